using System.Runtime.InteropServices;
using TorchSharp.Modules;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// A 64-bit FNV-1a hash (Fowler, Noll &amp; Vo; offset basis and prime from the FNV specification) over the bits of every
/// parameter, in 16-bit words (fp32 weights as two, bfloat16 and fp16 as one): replicas that hold bit-identical weights get
/// the same value, and one flipped bit changes it.
/// </summary>
public static class ParameterChecksum
{
    private const ulong OffsetBasis = 0xcbf29ce484222325UL;
    private const ulong Prime = 0x100000001b3UL;

    public static long Of(IEnumerable<Parameter> parameters)
    {
        ulong hash = OffsetBasis;
        foreach (var parameter in parameters)
        {
            var words = parameter.dtype == TorchSharp.torch.ScalarType.Float32 ? MemoryMarshal.Cast<float, ushort>(TensorMemory.Floats(parameter)) : TensorMemory.HalfBits(parameter);
            foreach (ushort word in words)
                hash = (hash ^ word) * Prime;
        }
        return (long)hash;
    }
}
