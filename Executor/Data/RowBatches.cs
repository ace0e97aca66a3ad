using static TorchSharp.torch;

namespace ScalePlanner.Executor.Data;

/// <summary>The synchronous source: each <see cref="Next"/> builds its micro-batch on the calling thread (the loader with no workers).</summary>
public sealed class RowBatches(BatchAssembler assembler, long position = 0) : IBatchSource
{
    public long Position { get; private set; } = position;

    public (Tensor Inputs, Tensor Targets) Next(int count)
    {
        var batch = assembler.Build(Position, count);
        Position += count;
        return batch.ToTensors();
    }
}
