using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>
/// Which values each layout dimension may take. A null list means "every valid value" (derived from the model and the
/// cluster by <see cref="LayoutSpace"/>); a list restricts the dimension to those values.
/// </summary>
public sealed record SearchSpace
{
    public int[]? Dp { get; init; }
    public int[]? Tp { get; init; }
    public int[]? Pp { get; init; }
    public int[]? Vp { get; init; }
    public int[]? Cp { get; init; }
    public int[]? MicroBatch { get; init; }
    /// <summary>Expert-parallel degrees; null: every divisor of the experts that fits the stage's ranks.</summary>
    public int[]? Ep { get; init; }
    /// <summary>Expert tensor-parallel degrees; null: the divisors of the expert width up to the attention's tp (etp ≤ tp, as Megatron-Core's folding recipes run it).</summary>
    public int[]? Etp { get; init; }
    public int[] Zero { get; init; } = [0, 1, 2, 3];
    /// <summary>Also try FSDP's HYBRID_SHARD (zero=hybrid) where the stack has it and the data-parallel ranks span nodes.</summary>
    public bool HybridShard { get; init; } = true;
    /// <summary>Software stacks to compare; null: the scenario's training.framework only.</summary>
    public Framework[]? Framework { get; init; }
    /// <summary>Recomputation modes; ops (torchtitan's per-operator checkpointing) is tried only on the FSDP stack.</summary>
    public RecomputeMode[] Recompute { get; init; } = [RecomputeMode.None, RecomputeMode.Selective, RecomputeMode.Full, RecomputeMode.Ops];
    /// <summary>Null: every precision the accelerator has a fast path for.</summary>
    public Precision[]? Precision { get; init; }
    public OptimizerKind[] Optimizer { get; init; } = [OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.AdamW, OptimizerKind.Lamb, OptimizerKind.Adafactor];
    public GradientCompression[] Compression { get; init; } = [GradientCompression.None, new(CompressionKind.Bf16, 0), new(CompressionKind.PowerSgd, 4)];
    public bool[] Overlap { get; init; } = [true, false];
    public bool[] Sp { get; init; } = [false, true];
    public PipelineSchedule[] Schedule { get; init; } = [PipelineSchedule.GPipe, PipelineSchedule.OneFOneB, PipelineSchedule.Interleaved];
    /// <summary>Tensor-parallel groups normally stay inside a node (NVLink); true lets them span nodes.</summary>
    public bool TpAcrossNodes { get; init; }
    /// <summary>Default context-parallel degrees keep at least this many tokens per rank: below it ring attention cannot hide its transfers.</summary>
    public int MinTokensPerContextRank { get; init; } = 1024;
}
