package engine

// Version is the library version reported by parley_get_version.
const Version = "0.1.0"
