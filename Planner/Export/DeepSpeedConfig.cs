using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Export;

/// <summary>
/// A layout as a DeepSpeed JSON config and its launcher command, in one shell script that writes ds_config.json and starts
/// `deepspeed`; every key is one docs/_pages/config-json.md documents at DeepSpeed commit 38327e07f6cd (v0.16.4), and the
/// launcher's options are those of docs/_tutorials/getting-started.md. Tensor, pipeline and context parallelism live in the
/// model code of a DeepSpeed program, not in its config, so they are refused.
/// </summary>
public sealed class DeepSpeedConfig : IExportTarget
{
    public const string Version = "DeepSpeed v0.16.4 (38327e07f6cd), docs/_pages/config-json.md";

    public string Key => "deepspeed";
    public Framework Stack => Framework.DeepSpeed;

    public string? Refusal(TrainingJob job, Layout l) =>
        ExportTargets.StackRefusal(this, job)
        ?? (job.Model.Moe is not null || job.Model.Mla is not null ? "the model's experts or latent attention are not written out yet (dense models only)" : null)
        ?? (l.Tp > 1 || l.Pp > 1 || l.Cp > 1 ? $"tp={l.Tp}, pp={l.Pp}, cp={l.Cp}: a DeepSpeed program sets model parallelism in its code (e.g. PipelineModule(num_stages=...)), not in ds_config.json" : null)
        ?? (l.Precision is Precision.Fp8 or Precision.Tf32 ? $"precision={l.Precision.Key()}: the config enables fp16 or bf16 only" : null)
        ?? (l.Optimizer == OptimizerKind.Adafactor ? "optimizer=adafactor: DeepSpeed's optimizer types are Adam, AdamW, Lamb and torch's" : null)
        ?? (l.Compression.Kind == CompressionKind.PowerSgd ? $"compress={l.Compression}: DeepSpeed compresses with 1-bit Adam, not PowerSGD" : null)
        ?? (l.HybridShard ? "zero=hybrid is FSDP's HYBRID_SHARD" : null)
        ?? (l.Recompute is RecomputeMode.Selective or RecomputeMode.Ops || l.RecomputeLayers > 0
            ? $"recompute={LayoutFormat.Name(l.Recompute)}: DeepSpeed's activation checkpointing recomputes whole checkpointed blocks" : null);

    public string Write(TrainingJob job, Layout l, string title)
    {
        var (_, cluster, training) = job;
        var config = new JsonObject
        {
            ["train_batch_size"] = training.GlobalBatchSize,
            ["train_micro_batch_size_per_gpu"] = l.MicroBatch,
            ["gradient_accumulation_steps"] = l.MicroBatches(training),
            ["optimizer"] = new JsonObject { ["type"] = l.Optimizer switch { OptimizerKind.Adam => "Adam", OptimizerKind.Lamb => "Lamb", OptimizerKind.Sgd => "SGD", _ => "AdamW" } },
            ["zero_optimization"] = new JsonObject { ["stage"] = l.Zero, ["overlap_comm"] = l.Overlap },
        };
        if (l.Precision == Precision.Bf16) config["bf16"] = new JsonObject { ["enabled"] = true };
        if (l.Precision == Precision.Fp16) config["fp16"] = new JsonObject { ["enabled"] = true };
        if (l.Compression.Kind == CompressionKind.Bf16) config["communication_data_type"] = "bf16";
        if (l.Recompute == RecomputeMode.Full) config["activation_checkpointing"] = new JsonObject { ["partition_activations"] = false, ["contiguous_memory_optimization"] = false };
        var t = new StringBuilder();
        t.AppendLine("#!/usr/bin/env bash");
        t.AppendLine($"# {title}");
        t.AppendLine($"# Written by scaleplan for {Version}; launcher options from docs/_tutorials/getting-started.md.");
        t.AppendLine("# Add the optimizer's params (lr, betas, weight_decay) and a scheduler; with recompute=full, wrap each block in deepspeed.checkpointing.checkpoint.");
        t.AppendLine("cat > ds_config.json <<'JSON'");
        t.AppendLine(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        t.AppendLine("JSON");
        t.AppendLine($"deepspeed --num_nodes={cluster.Nodes} --num_gpus={cluster.DevicesPerNode} train.py --deepspeed --deepspeed_config ds_config.json");
        return t.ToString();
    }
}
