using ScalePlanner.Executor.Distributed;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// What the executor runs today; anything else is refused with one line naming the field and what is allowed, before anything
/// starts. One process: fp32, bf16 or fp16. Across processes (dp·tp·pp > 1): fp32 without recomputation, 1F1B or GPipe,
/// ZeRO 0 or 1, compression without ZeRO-1, overlap only for plain fp32 buckets, on the synthetic source, without the
/// loss-spike guards.
/// </summary>
public static class ExecutionSupport
{
    /// <summary>Fewest steps of a run: two warm-up steps (<see cref="Measurements.Warmup.Steps"/>) and one measured.</summary>
    public const int MinimumSteps = 3;

    public static void Require(ExecutionRequest request)
    {
        RequireLayout(request.Layout, request.Job.Model);
        if (request.Steps < MinimumSteps) throw new SpecException("--steps", $"must be at least {MinimumSteps} (two warm-up steps and one measured), got {request.Steps}");
        if (request.Resume && request.Checkpoints is null) throw new SpecException("--resume", "needs --checkpoint-dir, the folder to resume from");
        if (request.Layout.Devices == 1) return;
        if (request.Input.DataFolder is not null)
            throw new SpecException("--data", "token shards across processes are not built; allowed with dp·tp·pp > 1: the synthetic source (no --data)");
        if (request.OnSpike is not null)
            throw new SpecException("--on-spike", "the loss-spike guards across processes are not built; allowed with dp·tp·pp > 1: leave --on-spike out");
    }

    /// <summary>Refuses a layout the executor cannot run (the layout itself is already valid for the job).</summary>
    public static void RequireLayout(Layout layout, ModelSpec model)
    {
        // The cost model prices these (the published FSDP runs include one-GPU zero=3), but the executor would run them as zero=0
        // and compress=none: with one data-parallel rank there is nothing to shard and no gradient reduction to compress.
        if (layout.Dp == 1 && layout.Zero > 0)
            throw new SpecException("layout.zero", $"zero={layout.Zero} shards over the data-parallel ranks, and dp=1 has one; allowed with dp=1: zero=0");
        if (layout.Dp == 1 && layout.Compression != GradientCompression.None)
            throw new SpecException("layout.compress", $"{layout.Compression} compresses the data-parallel gradient reduction, which dp=1 does not have; allowed with dp=1: none");
        if (layout.Devices > 1)
        {
            AcrossProcesses(layout, model);
            return;
        }
        if (layout.Precision == Precision.Fp8)
            throw new SpecException("layout.precision", "fp8 cannot run here: LibTorch has no fp8 matrix multiply on the CPU (fp8 GEMMs need Hopper-class GPUs); allowed: fp32 bf16 fp16");
        if (layout.Precision is not (Precision.Fp32 or Precision.Bf16 or Precision.Fp16))
            throw new SpecException("layout.precision", $"{layout.Precision.Key()} execution is not built; allowed: fp32 bf16 fp16");
    }

    private static void AcrossProcesses(Layout layout, ModelSpec model)
    {
        if (layout.Sp && !LayoutRules.TpSplitsSequence(model, layout.Tp))
            throw new SpecException("layout.sp", $"sequence parallelism splits model.sequenceLength={model.SequenceLength} over tp={layout.Tp}, which must divide it");
        VocabRange.Require(model.Vocab, layout.Tp);
        if (layout.Cp > 1) throw new SpecException("layout.cp", "context-parallel execution is not built; allowed: cp=1");
        if (layout.Zero > 1) throw new SpecException("layout.zero", $"ZeRO-{layout.Zero} in the executor is not built yet; allowed: zero=0 or zero=1");
        if (layout.Zero == 1 && layout.Optimizer is not (OptimizerKind.Sgd or OptimizerKind.Adam or OptimizerKind.AdamW))
            throw new SpecException("layout.optimizer", $"ZeRO-1 updates a flat shard, which {layout.Optimizer.ToString().ToLowerInvariant()} cannot (it needs whole-tensor statistics); allowed with zero=1: sgd adam adamw");
        if (layout.Compression != GradientCompression.None && layout.Zero == 1)
            throw new SpecException("layout.compress", "gradient compression together with ZeRO-1 is not built; allowed with zero=1: none");
        if (layout.Recompute != RecomputeMode.None) throw new SpecException("layout.recompute", "recomputation across processes is not built; allowed with dp·tp·pp > 1: none");
        if (layout.Precision != Precision.Fp32) throw new SpecException("layout.precision", $"multi-process execution runs fp32 only; got {layout.Precision.Key()}");
        if (layout.Schedule == PipelineSchedule.Interleaved) throw new SpecException("layout.schedule", "interleaved execution is not built; allowed: 1f1b gpipe");
        if (layout.Dp > 1 && layout.Overlap && (layout.Zero == 1 || layout.Compression != GradientCompression.None))
            throw new SpecException("layout.overlap", "overlapping gradient reduction with backward is built for plain fp32 buckets only; allowed with zero=1 or compression: off");
    }
}
