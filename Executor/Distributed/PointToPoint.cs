using ScalePlanner.Mpi;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Tensors between two ranks of a communicator, in the format they hold: fp32 as MPI_FLOAT, bfloat16 and fp16 as their 16-bit
/// patterns (no conversion, half the bytes), as pipeline stages and the context-parallel ring exchange them. Non-blocking calls
/// return a request that must be waited for before the tensor is read (receive) or released (send).
/// </summary>
public static class PointToPoint
{
    public static nint StartSend(OpenMpi mpi, Tensor tensor, int destination, int tag, nint comm) => tensor.dtype == ScalarType.Float32
        ? mpi.StartSend(TensorMemory.Floats(tensor), destination, tag, comm)
        : mpi.StartSend(TensorMemory.HalfBits(tensor), destination, tag, comm);

    public static nint StartReceive(OpenMpi mpi, Tensor tensor, int source, int tag, nint comm) => tensor.dtype == ScalarType.Float32
        ? mpi.StartReceive(TensorMemory.Floats(tensor), source, tag, comm)
        : mpi.StartReceive(TensorMemory.HalfBits(tensor), source, tag, comm);

    public static void Receive(OpenMpi mpi, Tensor tensor, int source, int tag, nint comm)
    {
        if (tensor.dtype == ScalarType.Float32) mpi.Receive(TensorMemory.Floats(tensor), source, tag, comm);
        else mpi.Receive(TensorMemory.HalfBits(tensor), source, tag, comm);
    }
}
