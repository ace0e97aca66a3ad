using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The storage of a contiguous CPU fp32 tensor as a span, so MPI reads and writes the tensor in place without a copy
/// (TorchSharp's <c>Tensor.bytes</c> spans the native storage of a CPU tensor). The storage lives outside the managed heap,
/// so it does not move while a non-blocking MPI call holds its address.
/// </summary>
public static class TensorMemory
{
    public static Span<float> Floats(Tensor tensor)
    {
        if (tensor.dtype != ScalarType.Float32 || tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException($"MPI moves contiguous CPU fp32 tensors; got {tensor.dtype} on {tensor.device_type}, contiguous {tensor.is_contiguous()}");
        return MemoryMarshal.Cast<byte, float>(tensor.bytes);
    }
}
