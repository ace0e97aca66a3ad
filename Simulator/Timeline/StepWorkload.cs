using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Simulator.Timeline;

/// <summary>
/// Everything the event simulation of one step needs, as plain durations: what each pipeline stage computes per micro-batch
/// and chunk, what it sends to its neighbours, the data-parallel collectives of its devices, the optimizer step, and how much
/// slower each device group runs. A group is the tp·cp devices of one data-parallel replica at one stage; they run in lockstep
/// (every block ends in a tensor- or context-parallel collective), so one group is simulated as one row. Groups are numbered
/// stage-major, <c>stage · Replicas + replica</c>, so group g holds devices g·<see cref="DevicesPerGroup"/> onwards (rank order
/// tp, cp, dp, pp, innermost first).
/// </summary>
/// <param name="Work">Per-micro-batch work of each chunk, indexed stage · Chunks + chunk, at nominal speed.</param>
public sealed record StepWorkload(int Stages, int Chunks, int MicroBatches, int Replicas, PipelineSchedule Schedule, ChunkWork[] Work)
{
    public int DevicesPerGroup { get; init; } = 1;
    /// <summary>Sending one micro-batch's activation to the next virtual stage, per group (empty: free and instant).</summary>
    public Transfer[] ForwardSend { get; init; } = [];
    /// <summary>Sending one micro-batch's input gradient to the previous virtual stage, per group (empty: free and instant).</summary>
    public Transfer[] BackwardSend { get; init; } = [];
    /// <summary>Data-parallel collectives of each stage's devices (empty: none).</summary>
    public StageTraffic[] Traffic { get; init; } = [];
    /// <summary>Optimizer step per stage at nominal speed (empty: none).</summary>
    public double[] OptimizerSeconds { get; init; } = [];
    /// <summary>Compute slowdown of each group, ≥ 1 (empty: all nominal).</summary>
    public double[] Slowdown { get; init; } = [];
    /// <summary>Share of the compute under which data-parallel traffic runs that the traffic costs (the profile's overlapped-communication cost).</summary>
    public double OverlapContention { get; init; }
    /// <summary>Time to load one step's batch on one device; the step waits for whatever of it the step does not hide.</summary>
    public double BatchLoadSeconds { get; init; }

    public int Groups => Stages * Replicas;

    public int OpsPerGroup => 2 * MicroBatches * Chunks;
}

/// <summary>Per-micro-batch durations of one chunk on one device: kernels (slowed by a straggler) and the tensor- and context-parallel communication inside each pass (not slowed).</summary>
public readonly record struct ChunkWork(
    double Forward, double Backward, double Recompute,
    double ForwardTensorComm, double BackwardTensorComm, double RecomputeTensorComm,
    double ForwardContextComm, double BackwardContextComm)
{
    // MoE token dispatch and combine block the pass like tensor-parallel exchanges, so the timeline runs them as tensor communication.
    public static ChunkWork From(in PassCost cost, in CommSplit comm) => new(cost.Forward, cost.Backward, cost.Recompute,
        comm.ForwardTensorComm + comm.ForwardExpertComm,
        cost.TensorComm + cost.ExpertComm - comm.ForwardTensorComm - comm.RecomputeTensorComm - comm.ForwardExpertComm - comm.RecomputeExpertComm,
        comm.RecomputeTensorComm + comm.RecomputeExpertComm,
        comm.ForwardContextComm, cost.ContextComm - comm.ForwardContextComm);

    /// <summary>Pure compute, no communication: the idealised pipeline of the bubble formulas.</summary>
    public static ChunkWork ComputeOnly(double forward, double backward, double recompute = 0) => new(forward, backward, recompute, 0, 0, 0, 0, 0);
}

public enum LinkTier : byte { IntraNode, InterNode }

/// <summary>One point-to-point message: its duration and the link tier it occupies on the sender.</summary>
public readonly record struct Transfer(double Seconds, LinkTier Tier);

/// <summary>A collective that streams in <c>Pieces</c> equal parts beside the pass that consumes or produces it (bucket by bucket, block by block).</summary>
public readonly record struct StreamedCollective(double Seconds, int Pieces);

/// <summary>One gradient bucket: its reduction time and when it fills, as a fraction of the chunk's last backward.</summary>
public readonly record struct GradientBucket(double Seconds, double ReadyFraction);

/// <summary>
/// Data-parallel collectives of one stage's devices over their data-parallel group (all replicas of the stage take part; a
/// collective starts when the last of them asks for it and its link is free). With <see cref="Overlap"/> gradients reduce in
/// buckets while the last backward of each chunk runs (PyTorch DDP, Li et al. VLDB 2020; Megatron-LM grad sync per chunk),
/// ZeRO-1/2 weight gathers stream into each chunk's first forward, ZeRO-3 gathers are prefetched one pass ahead; without it
/// every collective runs on its own, the compute waiting.
/// </summary>
public sealed record StageTraffic
{
    public LinkTier Tier { get; init; }
    public bool Overlap { get; init; }
    /// <summary>ZeRO 0–2 with overlap: per chunk, its gradient buckets in the order they fill.</summary>
    public GradientBucket[][] Buckets { get; init; } = [];
    /// <summary>ZeRO 0–2 without overlap: one reduction of every gradient after the last backward (0: none).</summary>
    public double ReductionAfterBackward { get; init; }
    /// <summary>ZeRO 1–2: all-gather of the updated weights of each chunk, issued by the previous step's optimizer and needed by the chunk's first forward.</summary>
    public StreamedCollective[] WeightGather { get; init; } = [];
    /// <summary>ZeRO-3: per chunk, the weight all-gather before each forward and each backward.</summary>
    public StreamedCollective[] BlockGather { get; init; } = [];
    /// <summary>ZeRO-3: per chunk, the gradient reduce-scatter after each backward.</summary>
    public StreamedCollective[] BlockScatter { get; init; } = [];
}
