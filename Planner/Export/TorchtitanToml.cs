using System.Text;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Export;

/// <summary>
/// A layout as a torchtitan TOML job config; every key is a field of torchtitan/config/job_config.py at tag v0.2.2 (commit
/// 73a0e6979dd1, the last release configured by TOML). The model must be one of that release's llama3 flavors.
/// </summary>
public sealed class TorchtitanToml : IExportTarget
{
    public const string Version = "torchtitan v0.2.2 (73a0e6979dd1), torchtitan/config/job_config.py";

    /// <summary>torchtitan v0.2.2's llama3 flavors (torchtitan/models/llama3/__init__.py): layers, hidden, heads, key/value heads.</summary>
    private static readonly (string Flavor, int Layers, int Hidden, int Heads, int KvHeads)[] Flavors =
        [("8B", 32, 4096, 32, 8), ("70B", 80, 8192, 64, 8), ("405B", 126, 16384, 128, 8)];

    public string Key => "torchtitan";
    public Framework Stack => Framework.Fsdp;

    public string? Refusal(TrainingJob job, Layout l) =>
        ExportTargets.StackRefusal(this, job)
        ?? (Flavor(job.Model) is null ? "the model is not one of torchtitan v0.2.2's llama3 flavors (8B, 70B, 405B); register a flavor in torchtitan/models/llama3/__init__.py" : null)
        ?? (l.Precision is Precision.Fp16 or Precision.Tf32 ? $"precision={l.Precision.Key()}: training.mixed_precision_param takes bfloat16 or float32 (and fp8 through the float8 converter)" : null)
        ?? (l.Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW ? null : $"optimizer={LayoutFormat.Name(l.Optimizer)}: optimizer.name takes Adam or AdamW")
        ?? (l.Compression != GradientCompression.None ? $"compress={l.Compression}: FSDP reduces in float32 (training.mixed_precision_reduce)" : null)
        ?? (l.Zero == 1 ? "zero=1: FSDP has no optimizer-only sharding" : null)
        ?? (l.Zero == 0 && l.Dp > 1 && l.Tp * l.Pp * l.Cp > 1 ? "zero=0 is DDP, which torchtitan runs only without other parallelism" : null)
        ?? (l.Tp > 1 && !l.Sp ? "sp=off with tp > 1: torchtitan's tensor parallelism always shards the sequence" : null)
        ?? (!l.Overlap ? "overlap=off: FSDP always overlaps its collectives" : null)
        ?? (l.Recompute == RecomputeMode.Selective ? "recompute=selective (the attention core only) has no torchtitan mode; its selective modes are per-op (recompute=ops) or every n-th layer" : null)
        ?? RecomputeLayersRefusal(job.Model, l)
        ?? PipelineRefusal(job.Model, l)
        ?? (l.HybridShard && HybridShardDegree(job, l) is null ? "zero=hybrid: the data-parallel ranks inside a node do not divide the data-parallel degree" : null);

    public string Write(TrainingJob job, Layout l, string title)
    {
        var (m, cluster, training) = job;
        var t = new StringBuilder();
        t.AppendLine($"# {title}");
        t.AppendLine($"# Written by scaleplan for {Version}.");
        t.AppendLine($"# Run: torchrun --nnodes {cluster.Nodes} --nproc-per-node {cluster.DevicesPerNode} -m torchtitan.train --job.config_file THIS_FILE");
        t.AppendLine("# Add your dataset, hf_assets_path, learning-rate schedule and checkpoint settings.");
        t.AppendLine().AppendLine("[model]").AppendLine("name = \"llama3\"").AppendLine($"flavor = \"{Flavor(m)}\"");
        if (l.Precision == Precision.Fp8) t.AppendLine("converters = [\"quantize.linear.float8\"]");
        t.AppendLine().AppendLine("[optimizer]").AppendLine($"name = \"{(l.Optimizer == OptimizerKind.Adam ? "Adam" : "AdamW")}\"");
        // Without pipelining each data-parallel rank runs micro-batches of mb and accumulates; with it, one local batch is cut into micro-batches.
        int local = l.Pp > 1 ? training.GlobalBatchSize / l.Dp : l.MicroBatch;
        t.AppendLine().AppendLine("[training]").AppendLine($"local_batch_size = {local}").AppendLine($"global_batch_size = {training.GlobalBatchSize}")
            .AppendLine($"seq_len = {m.SequenceLength}").AppendLine($"steps = {ExportTargets.Steps(job)}")
            .AppendLine($"mixed_precision_param = \"{(l.Precision == Precision.Fp32 ? "float32" : "bfloat16")}\"");
        t.AppendLine().AppendLine("[parallelism]");
        var (replicate, shard) = DataParallelDegrees(job, l);
        t.AppendLine($"data_parallel_replicate_degree = {replicate}").AppendLine($"data_parallel_shard_degree = {shard}");
        if (l.Zero == 2) t.AppendLine("fsdp_reshard_after_forward = \"never\"");
        t.AppendLine($"tensor_parallel_degree = {l.Tp}").AppendLine($"context_parallel_degree = {l.Cp}").AppendLine($"pipeline_parallel_degree = {l.Pp}");
        if (l.Pp > 1) WritePipeline(t, m, l);
        t.AppendLine().AppendLine("[activation_checkpoint]").AppendLine($"mode = \"{Mode(l)}\"");
        if (Mode(l) == "selective") t.AppendLine($"selective_ac_option = \"{(l.Recompute == RecomputeMode.Ops ? "op" : EveryNth(m, l).ToString())}\"");
        if (training.KernelsInEffect == KernelSet.Compiled) t.AppendLine().AppendLine("[compile]").AppendLine("enable = true");
        return t.ToString();
    }

    private static void WritePipeline(StringBuilder t, ModelSpec m, Layout l)
    {
        t.AppendLine($"pipeline_parallel_schedule = \"{l.Schedule switch { PipelineSchedule.GPipe => "GPipe", PipelineSchedule.Interleaved => "Interleaved1F1B", _ => "1F1B" }}\"");
        t.AppendLine($"pipeline_parallel_microbatch_size = {l.MicroBatch}");
        // torchtitan cuts layers + first_less + last_less evenly into pp·vp stages and takes the "less" layers off the first and last.
        int middle = MiddleStageLayers(m, l);
        t.AppendLine($"pipeline_parallel_layers_per_stage = {middle}");
        t.AppendLine($"pipeline_parallel_first_stage_less_layers = {(l.FirstStageLayers > 0 ? middle - l.FirstStageLayers : 0)}");
        t.AppendLine($"pipeline_parallel_last_stage_less_layers = {(l.LastStageLayers > 0 ? middle - l.LastStageLayers : 0)}");
    }

    private static string? Flavor(ModelSpec m) =>
        m.Moe is null && m.Mla is null && m.Positions == PositionEmbedding.Rotary && m.GatedMlp
            ? Flavors.FirstOrDefault(f => f.Layers == m.Layers && f.Hidden == m.Hidden && f.Heads == m.Heads && f.KvHeads == m.KvHeads).Flavor
            : null;

    private static string Mode(Layout l) => l.Recompute switch
    {
        RecomputeMode.None => "none",
        RecomputeMode.Full when l.RecomputeLayers == 0 => "full",
        _ => "selective",
    };

    /// <summary>recomputeLayers = k of s layers per stage is torchtitan's "every n-th layer" with n = s / k.</summary>
    private static int EveryNth(ModelSpec m, Layout l) => StageSplit.Of(m.Layers, l).Largest / l.RecomputeLayers;

    private static string? RecomputeLayersRefusal(ModelSpec m, Layout l) =>
        l.RecomputeLayers > 0 && StageSplit.Of(m.Layers, l).Largest % l.RecomputeLayers != 0
            ? $"recomputeLayers={l.RecomputeLayers}: torchtitan checkpoints every n-th layer, and {l.RecomputeLayers} does not divide a stage's {StageSplit.Of(m.Layers, l).Largest} layers"
            : null;

    /// <summary>Layers of a stage other than the first and last: (layers − first − last) / (pp·vp − 2) when uneven.</summary>
    private static int MiddleStageLayers(ModelSpec m, Layout l) =>
        l.FirstStageLayers == 0 && l.LastStageLayers == 0 ? m.Layers / (l.Pp * l.Vp)
            : (m.Layers - l.FirstStageLayers - l.LastStageLayers) / (l.Pp - 2 + (l.FirstStageLayers == 0 ? 1 : 0) + (l.LastStageLayers == 0 ? 1 : 0));

    private static string? PipelineRefusal(ModelSpec m, Layout l)
    {
        if (l.Pp == 1) return null;
        if ((l.FirstStageLayers > 0 || l.LastStageLayers > 0) && l.Vp > 1) return "uneven stages with virtual stages: torchtitan would place the layers differently";
        if (l.FirstStageLayers == 0 && l.LastStageLayers == 0 && m.Layers % (l.Pp * l.Vp) != 0) return "layers that do not split evenly over pp·vp stages";
        int middle = MiddleStageLayers(m, l);
        return l.FirstStageLayers > middle || l.LastStageLayers > middle ? "a first or last stage heavier than the others" : null;
    }

    /// <summary>DDP (zero=0): every rank a replica; FSDP (zero 2/3): one shard group; HYBRID_SHARD: shard inside a node, replicate across.</summary>
    private static (int Replicate, int Shard) DataParallelDegrees(TrainingJob job, Layout l) =>
        l.Zero == 0 ? (l.Dp, 1) : l.HybridShard ? (l.Dp / HybridShardDegree(job, l)!.Value, HybridShardDegree(job, l)!.Value) : (1, l.Dp);

    private static int? HybridShardDegree(TrainingJob job, Layout l)
    {
        int inNode = Math.Max(1, job.Cluster.DevicesPerNode / (l.Tp * l.Cp));
        int shard = Math.Min(l.Dp, inNode);
        return l.Dp % shard == 0 ? shard : null;
    }
}
