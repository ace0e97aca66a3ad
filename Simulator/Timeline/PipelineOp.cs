namespace ScalePlanner.Simulator.Timeline;

public enum PipelinePass : byte { Forward, Backward }

/// <summary>One entry of a device's pipeline schedule: the forward or backward pass of one micro-batch through one of its model chunks.</summary>
public readonly record struct PipelineOp(PipelinePass Pass, int Chunk, int MicroBatch)
{
    public bool IsForward => Pass == PipelinePass.Forward;

    /// <summary>"F3" is the forward of micro-batch 3 through chunk 0, "B3/1" the backward of micro-batch 3 through chunk 1.</summary>
    public override string ToString() => $"{(IsForward ? 'F' : 'B')}{MicroBatch}{(Chunk == 0 ? "" : $"/{Chunk}")}";
}
