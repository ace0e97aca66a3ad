using System.Text;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Export;

/// <summary>
/// A layout as Megatron-LM command-line arguments for pretrain_gpt.py, launched with torchrun; every option is one that
/// megatron/training/arguments.py declares at tag core_v0.15.3 (commit 309ffca6a405).
/// </summary>
public sealed class MegatronArguments : IExportTarget
{
    public const string Version = "Megatron-LM core_v0.15.3 (309ffca6a405), megatron/training/arguments.py";

    public string Key => "megatron";
    public Framework Stack => Framework.Megatron;

    public string? Refusal(TrainingJob job, Layout l) =>
        ExportTargets.StackRefusal(this, job)
        ?? (job.Model.Moe is not null || job.Model.Mla is not null ? "the model's experts or latent attention are not written out yet (dense models only)" : null)
        ?? l.Optimizer switch
        {
            OptimizerKind.AdamW or OptimizerKind.Sgd => null,
            // Megatron's adam is AdamW (decoupled weight decay, apex FusedAdam adam_w_mode); --optimizer takes adam or sgd only.
            _ => $"optimizer={LayoutFormat.Name(l.Optimizer)}: --optimizer takes adam (AdamW) or sgd",
        }
        ?? (l.Compression.Kind == CompressionKind.PowerSgd ? $"compress={l.Compression}: Megatron-LM has no PowerSGD" : null)
        ?? (l.Recompute == RecomputeMode.Ops ? "recompute=ops is torchtitan's per-operator checkpointing" : null)
        ?? (l.Schedule == PipelineSchedule.GPipe ? "schedule=gpipe: Megatron-LM runs 1F1B or interleaved 1F1B" : null)
        ?? (l.HybridShard ? "zero=hybrid is FSDP's HYBRID_SHARD" : null);

    public string Write(TrainingJob job, Layout l, string title)
    {
        var (m, cluster, training) = job;
        var args = new List<string>
        {
            $"--num-layers {m.Layers}", $"--hidden-size {m.Hidden}", $"--num-attention-heads {m.Heads}", $"--ffn-hidden-size {m.FfnHidden}",
            $"--seq-length {m.SequenceLength}", $"--max-position-embeddings {m.SequenceLength}",
        };
        if (m.KvHeads != m.Heads) args.AddRange(["--group-query-attention", $"--num-query-groups {m.KvHeads}"]);
        if (m.GatedMlp) args.Add("--swiglu");
        if (m.Norm == NormKind.RmsNorm) args.Add("--normalization RMSNorm");
        if (m.Positions == PositionEmbedding.Rotary) args.Add("--position-embedding-type rope");
        if (!m.TiedEmbeddings) args.Add("--untie-embeddings-and-output-weights");
        if (!m.Biases) args.Add("--disable-bias-linear");
        if (!m.Dropout) args.AddRange(["--attention-dropout 0", "--hidden-dropout 0"]);
        args.Add($"--attention-backend {(training.AttentionKernel == AttentionKernel.Unfused ? "unfused" : "flash")}");
        args.AddRange([$"--micro-batch-size {l.MicroBatch}", $"--global-batch-size {training.GlobalBatchSize}", $"--train-iters {ExportTargets.Steps(job)}"]);
        args.AddRange(Parallelism(l));
        args.AddRange(Recipe(l));
        var text = new StringBuilder();
        text.AppendLine("#!/usr/bin/env bash");
        text.AppendLine($"# {title}");
        text.AppendLine($"# Written by scaleplan for {Version}. Data parallelism ({l.Dp}) follows from the {cluster.Devices} devices;");
        text.AppendLine("# add your data, tokenizer (--tokenizer-type, which sets the vocabulary), learning rate and checkpoint options.");
        text.AppendLine($"torchrun --nnodes {cluster.Nodes} --nproc-per-node {cluster.DevicesPerNode} pretrain_gpt.py \\");
        for (int i = 0; i < args.Count; i++) text.AppendLine($"  {args[i]}{(i < args.Count - 1 ? " \\" : "")}");
        return text.ToString();
    }

    private static IEnumerable<string> Parallelism(Layout l)
    {
        yield return $"--tensor-model-parallel-size {l.Tp}";
        yield return $"--pipeline-model-parallel-size {l.Pp}";
        if (l.Vp > 1) yield return $"--num-virtual-stages-per-pipeline-rank {l.Vp}";
        if (l.FirstStageLayers > 0) yield return $"--decoder-first-pipeline-num-layers {l.FirstStageLayers}";
        if (l.LastStageLayers > 0) yield return $"--decoder-last-pipeline-num-layers {l.LastStageLayers}";
        if (l.Cp > 1) yield return $"--context-parallel-size {l.Cp}";
        if (l.Sp) yield return "--sequence-parallel";
        // ZeRO-1: the distributed optimizer shards optimizer state; ZeRO-2/3: Megatron-FSDP shards gradients, then parameters too.
        if (l.Zero == 1) yield return "--use-distributed-optimizer";
        if (l.Zero >= 2) yield return "--use-megatron-fsdp";
        if (l.Zero >= 2) yield return $"--data-parallel-sharding-strategy {(l.Zero == 2 ? "optim_grads" : "optim_grads_params")}";
        if (l.Overlap && l.Dp * l.Cp > 1) yield return "--overlap-grad-reduce";
        if (l.Overlap && l.Dp * l.Cp > 1 && l.Zero >= 1) yield return "--overlap-param-gather";
    }

    private static IEnumerable<string> Recipe(Layout l)
    {
        // fp8 runs the GEMMs in Transformer Engine's hybrid format (E4M3 forward, E5M2 gradients) on bf16 weights; fp32 and tf32 need no flag.
        if (l.Precision is Precision.Bf16 or Precision.Fp8) yield return "--bf16";
        if (l.Precision == Precision.Fp16) yield return "--fp16";
        if (l.Precision == Precision.Fp8) yield return "--fp8-format hybrid";
        yield return $"--optimizer {(l.Optimizer == OptimizerKind.Sgd ? "sgd" : "adam")}";
        if (l.Compression.Kind == CompressionKind.Bf16) yield return "--grad-reduce-in-bf16";
        switch (l.Recompute)
        {
            case RecomputeMode.Selective:
                yield return "--recompute-granularity selective";
                break;
            case RecomputeMode.Full:
                yield return "--recompute-granularity full";
                yield return $"--recompute-method {(l.RecomputeLayers > 0 ? "block" : "uniform")}";
                yield return $"--recompute-num-layers {Math.Max(1, l.RecomputeLayers)}";
                break;
        }
    }
}
