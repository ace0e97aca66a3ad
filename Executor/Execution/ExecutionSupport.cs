using ScalePlanner.Executor.Distributed;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// What the executor cannot run here, refused with one line naming the field and what is allowed, before anything starts: fp8
/// (no fp8 matrix multiply on the CPU), the splits the executor's sharding needs beyond the layout's own rules (the vocabulary
/// over tp, the sequence over 2·cp chunks and over tp within them), PowerSGD under ZeRO, and the model features the cost model
/// prices but the executor's GPT does not have yet (MLA, multi-token prediction, a head width apart from hidden/heads; of mixture
/// of experts: the sigmoid router, a capacity factor, and experts split over tensor or context parallel ranks or ZeRO shards).
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
        if (request.OnSpike == SpikeAction.Rollback && request.Checkpoints is null)
            throw new SpecException("--on-spike", "rollback needs checkpoints to roll back to (--checkpoint-dir); allowed without them: warn skip");
        if (request.Layout.HybridShard && request.Distributed.Hostfile is not null)
            throw new SpecException("layout.zero", "hybrid shards within a node and replicates across nodes; across several machines it is not built (on one machine it is zero=3); allowed with --hostfile: 0 1 2 3");
    }

    /// <summary>Refuses a layout the executor cannot run (the layout itself is already valid for the job).</summary>
    public static void RequireLayout(Layout layout, ModelSpec model)
    {
        RequireModel(model);
        if (model.Moe is not null) RequireMoeLayout(layout);
        // The cost model prices these (the published FSDP runs include one-GPU zero=3), but the executor would run them as zero=0
        // and compress=none: with one data-parallel rank there is nothing to shard and no gradient reduction to compress.
        if (layout.Dp == 1 && layout.Zero > 0)
            throw new SpecException("layout.zero", $"zero={layout.Zero} shards over the data-parallel ranks, and dp=1 has one; allowed with dp=1: zero=0");
        if (layout.Dp == 1 && layout.Compression != GradientCompression.None)
            throw new SpecException("layout.compress", $"{layout.Compression} compresses the data-parallel gradient reduction, which dp=1 does not have; allowed with dp=1: none");
        if (layout.Precision == Precision.Fp8)
            throw new SpecException("layout.precision", "fp8 cannot run here: LibTorch has no fp8 matrix multiply on the CPU (fp8 GEMMs need Hopper-class GPUs); allowed: fp32 bf16 fp16");
        if (layout.Sp && !LayoutRules.TpSplitsSequence(model, layout.Tp * layout.Cp))
            throw new SpecException("layout.sp", $"sequence parallelism splits each context-parallel rank's model.sequenceLength/cp = {model.SequenceLength}/{layout.Cp} positions over tp={layout.Tp}, which must divide them");
        VocabRange.Require(model.Vocab, layout.Tp);
        if (layout.Zero >= 1 && layout.Compression.Kind == CompressionKind.PowerSgd)
            throw new SpecException("layout.compress", "PowerSGD compresses the data-parallel all-reduce (Vogels et al. 2019; PyTorch ships it as a DDP communication hook), which ZeRO replaces by reduce-scatter and all-gather; allowed with zero ≥ 1: none bf16");
        // Megatron-LM's load-balanced context parallelism cuts the sequence into 2·cp chunks (get_batch_on_this_cp_rank).
        if (layout.Cp > 1 && model.SequenceLength % (2 * layout.Cp) != 0)
            throw new SpecException("layout.cp", $"context parallelism cuts model.sequenceLength={model.SequenceLength} into 2·cp = {2 * layout.Cp} chunks, which must divide it");
    }

    /// <summary>The executor's GPT (<see cref="Model.GptModel"/>) is a dense decoder with multi- or grouped-query attention.</summary>
    private static void RequireModel(ModelSpec model)
    {
        string? missing = model.Moe?.Router == RouterKind.SigmoidBias ? "model.moe.router: the sigmoid router with a balancing bias"
            : model.Moe?.CapacityFactor is not null ? "model.moe.capacityFactor: experts that drop tokens over capacity"
            : model.Mla is not null ? "model.mla: multi-head latent attention"
            : model.MtpLayers > 0 ? "model.mtpLayers: multi-token prediction"
            : model.QueryWidth != model.Hidden ? $"model.headDim: heads·headDim = {model.QueryWidth} apart from model.hidden = {model.Hidden}"
            : null;
        if (missing is not null)
            throw new SpecException(missing.Split(':')[0], $"{missing[(missing.IndexOf(':') + 2)..]} in the executor are not built yet; allowed: a GPT without mla or mtpLayers, headDim = hidden/heads, and a dropless softmax-routed moe");
    }

    /// <summary>The executor's MoE layers (<see cref="Model.MoeLayer"/>) split experts over data-parallel ranks only (<see cref="ExpertExchange"/>).</summary>
    private static void RequireMoeLayout(Layout layout)
    {
        string? refused = layout.Etp > 1 ? $"layout.etp: expert tensor parallelism (etp={layout.Etp}) is not built in the executor; allowed: etp=1"
            : layout.Tp > 1 ? $"layout.tp: tensor parallelism with mixture-of-experts layers (tp={layout.Tp}) is not built in the executor; allowed: tp=1"
            : layout.Cp > 1 ? $"layout.cp: context parallelism with mixture-of-experts layers (cp={layout.Cp}) is not built in the executor; allowed: cp=1"
            : layout.Ep > 1 && layout.Zero >= 1 ? $"layout.zero: ZeRO shards with expert parallelism (zero={layout.Zero}, ep={layout.Ep}) are not built in the executor; allowed with ep > 1: zero=0"
            : layout.Ep > 1 && layout.Compression.Kind != CompressionKind.None ? $"layout.compress: compressed gradients with expert parallelism (ep={layout.Ep}) are not built in the executor; allowed with ep > 1: none"
            : null;
        if (refused is not null) throw new SpecException(refused[..refused.IndexOf(':')], refused[(refused.IndexOf(':') + 2)..]);
    }
}
