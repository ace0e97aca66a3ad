using ScalePlanner.Mpi;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// One step of passing keys and values around the context-parallel ring (Liu et al. 2023, "Ring Attention", §3): each rank sends
/// its current block to the next rank and receives the previous rank's, with non-blocking point-to-point, so the transfer runs
/// while the rank attends to the block it holds. Backward sends the received block's gradient back to the rank it came from
/// and receives, from the next rank, the gradient of the block it sent (the dK/dV ring of Megatron-LM's context parallelism).
/// </summary>
public sealed class RingExchange(OpenMpi mpi, nint ring, int rank, int ranks)
{
    private readonly int next = (rank + 1) % ranks, previous = (rank + ranks - 1) % ranks;
    private readonly List<nint> pending = [];
    private readonly List<Tensor> sending = [];

    /// <summary>Starts sending <paramref name="block"/> onward and receiving the previous rank's; read the result only after <see cref="Wait"/>.</summary>
    public Tensor Start(Tensor block, int step) => TwoWay.Of(block, held =>
    {
        var outgoing = held.contiguous();
        var incoming = empty_like(outgoing);
        sending.Add(outgoing);
        pending.Add(PointToPoint.StartSend(mpi, outgoing, next, step, ring));
        pending.Add(PointToPoint.StartReceive(mpi, incoming, previous, step, ring));
        return incoming;
    }, gradient => Returned(gradient, step));

    /// <summary>Completes the transfers started since the last call.</summary>
    public void Wait()
    {
        foreach (nint request in pending) mpi.Wait(request);
        pending.Clear();
        sending.Clear();
    }

    /// <summary>The received block's gradient goes back to the rank that sent it; the next rank returns the gradient of the block this one sent.</summary>
    private Tensor Returned(Tensor gradient, int step)
    {
        int tag = ranks + step;   // apart from the forward tags 0 … cp − 1
        var outgoing = gradient.contiguous();
        var incoming = empty_like(outgoing);
        nint send = PointToPoint.StartSend(mpi, outgoing, previous, tag, ring);
        PointToPoint.Receive(mpi, incoming, next, tag, ring);
        mpi.Wait(send);
        return incoming;
    }
}
