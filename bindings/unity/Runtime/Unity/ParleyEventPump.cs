// ParleyEventPump.cs — drains Parley's events on Unity's main thread. The
// first engine created puts one on a hidden, scene-independent GameObject;
// its Update delivers every engine's events and uploads every view's newest
// frame into its texture, before other scripts' Update (execution order).
using UnityEngine;

namespace Parley
{
    [AddComponentMenu("")]
    [DefaultExecutionOrder(-1000)]
    public sealed class ParleyEventPump : MonoBehaviour
    {
        static ParleyEventPump instance;

        internal static void Ensure()
        {
            if (instance != null) return;
            var go = new GameObject("Parley");
            go.hideFlags = HideFlags.HideInHierarchy;
            DontDestroyOnLoad(go);
            instance = go.AddComponent<ParleyEventPump>();
        }

        void Update()
        {
            ParleyExpressEngine.DispatchEvents();
        }

        // The library cannot be unloaded (nor can the Editor unload it), so
        // leaving play mode or quitting must stop every engine.
        void OnApplicationQuit()
        {
            ParleyExpressEngine.DestroyAll();
        }

        void OnDestroy()
        {
            if (instance == this) instance = null;
        }
    }

    public sealed partial class ParleyExpressEngine
    {
        static partial void OnEngineCreated(ParleyExpressEngine engine)
        {
            ParleyEventPump.Ensure();
        }
    }
}
