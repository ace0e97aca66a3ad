using System.Runtime.InteropServices;

namespace ScalePlanner.Mpi;

/// <summary>
/// bfloat16 arithmetic for the MPI reduction: a bfloat16 is the upper 16 bits of an IEEE-754 binary32 (Kalamkar et al. 2019,
/// "A Study of BFLOAT16 for Deep Learning Training", §2); sums are formed in fp32 and rounded back to nearest, ties to even.
/// </summary>
public static unsafe class Bfloat16
{
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>Round to nearest even by adding 0x7FFF plus the lowest kept bit before truncating; NaN stays a (quiet) NaN.</summary>
    public static ushort FromSingle(float value)
    {
        if (float.IsNaN(value)) return 0x7FC0;
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>MPI_User_function: inout[i] = bf16(in[i] + inout[i]) for i &lt; *length.</summary>
    [UnmanagedCallersOnly]
    public static void SumInto(void* input, void* inout, int* length, nint* datatype)
    {
        var a = new ReadOnlySpan<ushort>(input, *length);
        var b = new Span<ushort>(inout, *length);
        for (int i = 0; i < b.Length; i++) b[i] = FromSingle(ToSingle(a[i]) + ToSingle(b[i]));
    }
}
