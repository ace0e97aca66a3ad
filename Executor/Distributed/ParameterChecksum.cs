using System.Runtime.InteropServices;
using TorchSharp.Modules;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// A 64-bit FNV-1a hash (Fowler, Noll &amp; Vo; offset basis and prime from the FNV specification) over the bits of every
/// parameter, word by word: replicas that hold bit-identical weights get the same value, and one flipped bit changes it.
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
            foreach (uint word in MemoryMarshal.Cast<float, uint>(TensorMemory.Floats(parameter)))
                hash = (hash ^ word) * Prime;
        }
        return (long)hash;
    }
}
