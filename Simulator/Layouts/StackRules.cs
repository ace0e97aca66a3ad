using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Layouts;

/// <summary>What each software stack can run: the one place validation and the search ask.</summary>
public static class StackRules
{
    /// <summary>Why <paramref name="layout"/> cannot run on the training's stack, or null when it can.</summary>
    public static SpecException? Violation(in Layout layout, TrainingSpec training)
    {
        var framework = training.Framework;
        if (layout.Recompute == RecomputeMode.Ops && framework != Framework.Fsdp)
            return new SpecException("layout.recompute", "ops (per-operator selective checkpointing) is torchtitan's, so it needs training.framework=fsdp; allowed: none selective full");
        if (layout.HybridShard && framework != Framework.Fsdp)
            return new SpecException("layout.zero", "hybrid (FSDP's HYBRID_SHARD) needs training.framework=fsdp; allowed: 0 1 2 3");
        // FSDP shards parameters, gradients and optimizer state together (FULL_SHARD), or all but parameters (SHARD_GRAD_OP); it has no optimizer-only mode.
        if (framework == Framework.Fsdp && layout.Zero == 1)
            return new SpecException("layout.zero", "FSDP has no optimizer-only sharding; allowed with training.framework=fsdp: 0 (DDP) 2 (SHARD_GRAD_OP) 3 (FULL_SHARD) hybrid (HYBRID_SHARD)");
        // DeepSpeed's PipelineEngine refuses ZeRO-2/3 (deepspeed/runtime/pipe/engine.py: "ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism") and runs 1F1B only (TrainSchedule).
        if (framework == Framework.DeepSpeed && layout.Pp > 1 && layout.Zero >= 2)
            return new SpecException("layout.zero", $"DeepSpeed's pipeline engine runs ZeRO 0 or 1 only; got zero={layout.Zero} with pp={layout.Pp}");
        if (framework == Framework.DeepSpeed && layout.Schedule == PipelineSchedule.Interleaved)
            return new SpecException("layout.schedule", "DeepSpeed's pipeline engine has no interleaved schedule; allowed with training.framework=deepspeed: 1f1b gpipe");
        return null;
    }
}
