using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Layouts;

/// <summary>
/// How one training step is laid out on the devices. Rank order, innermost first: tp, cp, dp, pp (Megatron-LM's default),
/// so tensor-parallel groups sit inside a node and pipeline stages are the outermost split.
/// </summary>
public readonly record struct Layout()
{
    public int Dp { get; init; } = 1;
    public int Tp { get; init; } = 1;
    public int Pp { get; init; } = 1;
    /// <summary>Virtual pipeline stages (model chunks) per device; above 1 only with the interleaved schedule.</summary>
    public int Vp { get; init; } = 1;
    public int Cp { get; init; } = 1;
    public bool Sp { get; init; }
    public int MicroBatch { get; init; } = 1;
    public int Zero { get; init; }
    /// <summary>FSDP's HYBRID_SHARD (written zero=hybrid): ZeRO-3 sharding over the data-parallel ranks inside a node, replicated across nodes.</summary>
    public bool HybridShard { get; init; }
    public RecomputeMode Recompute { get; init; } = RecomputeMode.None;
    public Precision Precision { get; init; } = Precision.Bf16;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    public PipelineSchedule Schedule { get; init; } = PipelineSchedule.OneFOneB;
    public GradientCompression Compression { get; init; } = GradientCompression.None;
    public bool Overlap { get; init; } = true;
    /// <summary>Layers of the first pipeline stage; 0 splits evenly (Megatron-LM --decoder-first-pipeline-num-layers).</summary>
    public int FirstStageLayers { get; init; }
    /// <summary>Layers of the last pipeline stage; 0 splits evenly (Megatron-LM --decoder-last-pipeline-num-layers).</summary>
    public int LastStageLayers { get; init; }
    /// <summary>
    /// With full recomputation, the layers per stage that recompute; the others keep their activations; 0 is every layer
    /// (Megatron-LM --recompute-method block --recompute-num-layers N; torchtitan's every-second-layer checkpointing is half the layers).
    /// </summary>
    public int RecomputeLayers { get; init; }
    /// <summary>Expert-parallel degree: the routed experts of an MoE layer are split over ep ranks (Megatron-Core --expert-model-parallel-size).</summary>
    public int Ep { get; init; } = 1;
    /// <summary>
    /// Expert tensor-parallel degree: each expert's matrices split etp ways, independently of the attention's tp (Megatron-Core
    /// --expert-tensor-parallel-size, MoE Parallel Folding, Liu et al. 2025): the ep·etp expert ranks fold into the dp·tp·cp
    /// ranks of a pipeline stage.
    /// </summary>
    public int Etp { get; init; } = 1;

    public int Devices => Dp * Tp * Pp * Cp;

    /// <summary>Layers per stage and per model chunk (each device holds <see cref="Vp"/> chunks).</summary>
    public StageSplit Stages(ModelSpec model) => StageSplit.Of(model.Layers, this);

    /// <summary>Micro-batches per pipeline per step (gradient accumulation steps when pp = 1).</summary>
    public int MicroBatches(TrainingSpec training) => training.GlobalBatchSize / (Dp * MicroBatch);

    /// <summary>Checks the layout against the model, the batch and the device count; throws naming the field and what is allowed.</summary>
    public Layout Validated(ModelSpec model, TrainingSpec training, int devices)
    {
        Guard.Positive("layout.dp", Dp);
        Guard.Positive("layout.tp", Tp);
        Guard.Positive("layout.pp", Pp);
        Guard.Positive("layout.vp", Vp);
        Guard.Positive("layout.cp", Cp);
        Guard.Positive("layout.mb", MicroBatch);
        Guard.Positive("layout.ep", Ep);
        Guard.Positive("layout.etp", Etp);
        if (Zero is < 0 or > 3) throw new SpecException("layout.zero", $"must be 0, 1, 2 or 3, got {Zero}");
        LayoutRules.RequireDevices(this, devices);
        LayoutRules.RequireTpSplitsHeads(model, Tp);
        LayoutRules.RequireExpertSplit(model, this);
        Guard.NonNegative("layout.firstStageLayers", FirstStageLayers);
        Guard.NonNegative("layout.lastStageLayers", LastStageLayers);
        var split = StageSplit.Of(model.Layers, this);
        Guard.NonNegative("layout.recomputeLayers", RecomputeLayers);
        if (RecomputeLayers > 0 && Recompute != RecomputeMode.Full)
            throw new SpecException("layout.recomputeLayers", "needs recompute=full (it says how many layers per stage recompute)");
        if (RecomputeLayers > split.Largest)
            throw new SpecException("layout.recomputeLayers", $"{RecomputeLayers} is more than the {split.Largest} layers a stage holds");
        if (HybridShard && Zero != 3) throw new SpecException("layout.zero", "hybrid shards parameters like zero=3");
        if (StackRules.Violation(this, training) is { } violation) throw violation;
        LayoutRules.RequireCpSplitsSequence(model, Cp);
        LayoutRules.RequireBatchSplit(training.GlobalBatchSize, Dp, MicroBatch);
        if (Sp && !LayoutRules.AllowsSequenceParallel(Tp)) throw new SpecException("layout.sp", "sequence parallelism needs tp > 1");
        LayoutRules.RequireSchedule(this);
        LayoutRules.RequirePowerSgdRank(model, Compression);
        return this;
    }

    public override string ToString() => LayoutFormat.Format(this);

    public static Layout Parse(string text) => LayoutFormat.Parse(text);
}
