using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The storage of a contiguous CPU fp32 (or 16-bit) tensor as a span, so MPI reads and writes the tensor in place without a copy
/// (TorchSharp's <c>Tensor.bytes</c> spans the native storage of a CPU tensor). The storage lives outside the managed heap,
/// so it does not move while a non-blocking MPI call holds its address. Writing through the span does not bump the tensor's
/// autograd version counter.
/// </summary>
public static class TensorMemory
{
    public static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(Storage(tensor, ScalarType.Float32));

    /// <summary>A contiguous CPU bfloat16 tensor's elements as raw 16-bit patterns.</summary>
    public static Span<ushort> Bfloat16Bits(Tensor tensor) => MemoryMarshal.Cast<byte, ushort>(Storage(tensor, ScalarType.BFloat16));

    /// <summary>A contiguous CPU bfloat16 or fp16 tensor's elements as raw 16-bit patterns (what travels between ranks unchanged).</summary>
    public static Span<ushort> HalfBits(Tensor tensor) =>
        MemoryMarshal.Cast<byte, ushort>(Storage(tensor, tensor.dtype == ScalarType.Float16 ? ScalarType.Float16 : ScalarType.BFloat16));

    private static Span<byte> Storage(Tensor tensor, ScalarType type)
    {
        if (tensor.dtype != type || tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException($"MPI moves contiguous CPU {type} tensors; got {tensor.dtype} on {tensor.device_type}, contiguous {tensor.is_contiguous()}");
        return tensor.bytes;
    }
}
