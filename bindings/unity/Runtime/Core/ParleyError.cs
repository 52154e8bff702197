// ParleyError.cs — names and texts of error codes, and the one exception
// the binding throws for a native failure that has no code to return.
using System;
using Parley.Native;

namespace Parley
{
    public static class ParleyError
    {
        /// <summary>The code's name, such as "PARLEY_ERR_INVALID_ROOM_ID"; "PARLEY_ERR_UNKNOWN" for an unknown value.</summary>
        public static string Name(int code) { return Utf8.FromNative(NativeMethods.parley_error_name(code)); }

        /// <summary>A one-line English description of the code.</summary>
        public static string Message(int code) { return Utf8.FromNative(NativeMethods.parley_error_message(code)); }
    }

    /// <summary>
    /// Thrown where a call cannot return a code: CreateEngine, CreateIndependentEngine,
    /// new ParleyView and ParleyEmbeddedServer.Start. Every other method returns
    /// the library's code (ParleyErrorCode.OK or an error) and, on a live engine,
    /// reports the error through OnDebugError as well.
    /// </summary>
    public class ParleyException : Exception
    {
        public int ErrorCode { get; private set; }

        public ParleyException(int errorCode, string function)
            : base(function + ": " + ParleyError.Name(errorCode) + " (" + ParleyError.Message(errorCode) + ")")
        {
            ErrorCode = errorCode;
        }
    }
}
