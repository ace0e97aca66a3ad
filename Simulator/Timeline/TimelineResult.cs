using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Simulator.Timeline;

/// <summary>What a device group does in an interval of the step.</summary>
public enum WorkKind : byte
{
    Forward, Backward, Recompute, TensorComm, ContextComm, PipelineSend, GradientReduce, WeightGather, GradientScatter, OptimizerStep,
}

/// <summary>One interval of work on one group's row: compute kinds run on its compute stream, the others on its network link.</summary>
public readonly record struct TimelineEvent(int Group, WorkKind Kind, int Chunk, int MicroBatch, double Start, double End)
{
    public bool OnLink => Kind is WorkKind.PipelineSend or WorkKind.GradientReduce or WorkKind.WeightGather or WorkKind.GradientScatter;
}

/// <summary>
/// One group's step (the tp·cp devices of one replica at one stage, in lockstep). <see cref="Time"/> partitions the step on this
/// group: kernels, communication it waited for, idle time waiting on other stages (bubble), optimizer and data wait.
/// </summary>
public sealed record GroupTimeline(int Group, int Replica, int Stage, int FirstDevice, int Devices, double Slowdown, TimeParts Time, double EndSeconds, double DataParallelCommSeconds)
{
    /// <summary>Kernel time: forward, backward, recomputation and optimizer.</summary>
    public double BusySeconds => Time.Compute + Time.Recompute + Time.OptimizerStep;

    /// <summary>Communication the group waited for: tensor- and context-parallel collectives inside its passes, pipeline transfers and data-parallel traffic not hidden.</summary>
    public double ExposedCommSeconds => Time.TensorParallelComm + Time.ContextParallelComm + Time.PipelineComm + Time.DataParallelCommExposed;

    /// <summary>Waiting for other stages or replicas, and for the input pipeline.</summary>
    public double IdleSeconds => Time.PipelineBubble + Time.DataWait;
}

/// <summary>
/// One link of the critical path, the chain of passes and collectives that sets the step time: a pass (forward or backward,
/// with its kernel time) or a data-parallel collective (kernel time 0) that the next link waited for.
/// </summary>
public readonly record struct CriticalStep(int Group, WorkKind Kind, int Chunk, int MicroBatch, double Start, double End, double KernelSeconds)
{
    public override string ToString() => Kind switch
    {
        WorkKind.Forward => new PipelineOp(PipelinePass.Forward, Chunk, MicroBatch).ToString(),
        WorkKind.Backward => new PipelineOp(PipelinePass.Backward, Chunk, MicroBatch).ToString(),
        _ => $"{Kind} of chunk {Chunk}" + (MicroBatch >= 0 ? $", micro-batch {MicroBatch}" : ""),
    };
}

/// <summary>
/// The event-driven step of <c>Replicas</c> pipelines of <c>Stages</c> stages, each with <c>Chunks</c> chunks per device, over
/// <c>MicroBatches</c> micro-batches. <see cref="Time"/> is the breakdown of the critical group (the busiest; ties go to the
/// first), whose parts add up to <see cref="StepTimeSeconds"/> as the closed form's do; <see cref="Groups"/> has every group's.
/// <see cref="Events"/> holds, when recording was asked for (empty otherwise), every interval of every group of the
/// <see cref="RecordedReplicas"/>: one replica without a slowdown, which every other such replica repeats exactly, and each
/// slowed replica;
/// <see cref="CriticalPath"/> the passes and collectives that set the step time, first to last; <see cref="EventsProcessed"/> how many
/// discrete events (pass ends, collective requests) the run took.
/// </summary>
public sealed record TimelineResult(
    double StepTimeSeconds, TimeParts Time, int CriticalGroup, int Stages, int Chunks, int Replicas, int MicroBatches,
    IReadOnlyList<GroupTimeline> Groups, IReadOnlyList<TimelineEvent> Events, IReadOnlyList<int> RecordedReplicas,
    IReadOnlyList<CriticalStep> CriticalPath, long EventsProcessed)
{
    /// <summary>The bubble as a fraction of the ideal time, m·(t_f + t_b) (Narayanan et al. SC21 §2.2: (p−1)/m, or (p−1)/(v·m) interleaved).</summary>
    public double BubbleFraction => Time.PipelineBubble / (Time.Compute + Time.Recompute + Time.TensorParallelComm + Time.ContextParallelComm);

    /// <summary>Communication of the critical group that no compute hid.</summary>
    public double ExposedCommSeconds => Groups[CriticalGroup].ExposedCommSeconds;
}
