// Runs in: nothing at run time; the compiler's view of the tiny base library of the programs
// without a runtime (the first step, the init). Each is compiled without the .NET base library
// and runtime (RuntimeFree.targets says why): these are the types C# and the NativeAOT compiler
// need to exist, with nothing in them that would need a runtime (no allocation, no exceptions,
// no GC, no type checks).
#pragma warning disable CS0169, CS0649, CA1823, IDE0051, IDE0060
namespace System
{
    public class Object
    {
        // The NativeAOT compiler expects an object's first field to be its type's pointer.
        private IntPtr m_pMethodTable;
    }

    public struct Void { }
    public struct Boolean { }
    public struct Char { }
    public struct SByte { }
    public struct Byte { }
    public struct Int16 { }
    public struct UInt16 { }
    public struct Int32 { }
    public struct UInt32 { }
    public struct Int64 { }
    public struct UInt64 { }
    public struct IntPtr { }
    public struct UIntPtr { }
    public struct Single { }
    public struct Double { }
    public abstract class ValueType { }
    public abstract class Enum : ValueType { }
    public struct Nullable<T> where T : struct { }

    public sealed class String
    {
        public readonly int Length;
        private char _firstChar;
    }

    public abstract class Array { }
    public abstract class Delegate { }
    public abstract class MulticastDelegate : Delegate { }
    public struct RuntimeTypeHandle { }
    public struct RuntimeMethodHandle { }
    public struct RuntimeFieldHandle { }
    public class Attribute { }

    public enum AttributeTargets
    {
        Class = 4, Struct = 8, Enum = 16, Constructor = 32, Method = 64, Property = 128, Field = 256,
        Module = 2, Interface = 1024, Parameter = 2048, Delegate = 4096, ReturnValue = 8192, All = 32767,
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = true)]
    public sealed class AttributeUsageAttribute : Attribute
    {
        public AttributeUsageAttribute(AttributeTargets validOn) { }
        public bool AllowMultiple { get; set; }
        public bool Inherited { get; set; }
    }

    // The compiler's generic array base: NativeAOT names it for T[] even when no array is made.
    internal class Array<T> : Array { }
}

namespace System.Runtime
{
    /// <summary>Exports a method under a C symbol name (the program's `main`, and the stubs below).</summary>
    internal sealed class RuntimeExportAttribute : Attribute
    {
        public RuntimeExportAttribute(string entry) { }
    }
}

namespace System.Runtime.CompilerServices
{
    // Without it a stackalloc is zeroed, by a helper of the base library's (SpanHelpers) this has not.
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Module)]
    public sealed class SkipLocalsInitAttribute : Attribute { }

    public static class RuntimeHelpers
    {
        public static unsafe int OffsetToStringData => sizeof(IntPtr) + sizeof(int);
    }
}

namespace System.Runtime.InteropServices
{
    public sealed class DllImportAttribute : Attribute
    {
        public DllImportAttribute(string dllName) { }
    }
}

namespace Internal.Runtime.CompilerHelpers
{
    using System;
    using System.Runtime;

    /// <summary>
    /// The calls the compiler places around every P/Invoke and reverse P/Invoke, for a runtime's
    /// garbage collector to find the threads in native code. With no collector there is nothing to
    /// tell; the failure hook is the one a failed bounds or overflow check would take.
    /// </summary>
    internal static class StartupCodeHelpers
    {
        [RuntimeExport("RhpReversePInvoke")]
        private static void RhpReversePInvoke(IntPtr frame) { }

        [RuntimeExport("RhpReversePInvokeReturn")]
        private static void RhpReversePInvokeReturn(IntPtr frame) { }

        [RuntimeExport("RhpPInvoke")]
        private static void RhpPInvoke(IntPtr frame) { }

        [RuntimeExport("RhpPInvokeReturn")]
        private static void RhpPInvokeReturn(IntPtr frame) { }

        [RuntimeExport("RhpFallbackFailFast")]
        private static void RhpFallbackFailFast() => _exit(125);

        [System.Runtime.InteropServices.DllImport("libc")]
        private static extern void _exit(int code);
    }
}
