using System.Runtime.CompilerServices;

// The Mono suite checks the native declarations and callbacks themselves.
[assembly: InternalsVisibleTo("Parley.Tests")]
