using static TorchSharp.torch;

namespace ScalePlanner.Executor.Data;

/// <summary>
/// A micro-batch in managed memory, (count, T) inputs and targets row-major. Workers build these off the training thread; the
/// consumer turns them into tensors on its own thread, inside the step's dispose scope, so no tensor outlives the step.
/// </summary>
public sealed record HostBatch(long[] Inputs, long[] Targets, int Count, int Sequence)
{
    public (Tensor Inputs, Tensor Targets) ToTensors() =>
        (tensor(Inputs).reshape(Count, Sequence), tensor(Targets).reshape(Count, Sequence));
}
