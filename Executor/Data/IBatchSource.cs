using static TorchSharp.torch;

namespace ScalePlanner.Executor.Data;

/// <summary>
/// Where the trainer's micro-batches come from. <see cref="Position"/> counts the samples (rows of T + 1 tokens) handed out
/// so far; a source built at a position continues exactly there, which is what a checkpoint records and what a data-parallel
/// rank uses to take its own rows of the global batch.
/// </summary>
public interface IBatchSource
{
    /// <summary>The next <c>count</c> samples as (inputs, targets), each of shape (count, T).</summary>
    (Tensor Inputs, Tensor Targets) Next(int count);

    /// <summary>Samples handed out since the start of the stream.</summary>
    long Position { get; }
}
