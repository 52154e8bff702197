// Outside Unity there is no AOT.MonoPInvokeCallbackAttribute (it lives in
// UnityEngine, where IL2CPP needs it to export a static method as a native
// callback): this stand-in of the same name lets the core build and be
// tested under plain Mono. Unity defines UNITY_5_3_OR_NEWER and uses its own.
#if !UNITY_5_3_OR_NEWER
using System;

namespace AOT
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        // Like Unity's, it only records the delegate type in its constructor
        // argument (tests read it through CustomAttributeData).
        public MonoPInvokeCallbackAttribute(Type type) { }
    }
}
#endif
