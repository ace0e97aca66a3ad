using CsvHelper;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// One published training run of the public validation corpus (validation/public/*.csv): the model, the machines, the stack,
/// the layout in the layout-string syntax, and the published figure with its FLOP convention and source.
/// </summary>
[CsvRecord]
public sealed partial class PublishedRun
{
    [CsvColumn("name")] public string Name { get; set; } = "";
    [CsvColumn("layers")] public int Layers { get; set; }
    [CsvColumn("hidden")] public int Hidden { get; set; }
    [CsvColumn("heads")] public int Heads { get; set; }
    [CsvColumn("kv_heads")] public int KvHeads { get; set; }
    [CsvColumn("ffn_hidden")] public int FfnHidden { get; set; }
    [CsvColumn("vocab")] public int Vocab { get; set; }
    [CsvColumn("seq_len")] public int SequenceLength { get; set; }
    /// <summary>gpt (LayerNorm, learned positions, biases, GeLU) or llama (RMSNorm, rotary, no biases, SwiGLU).</summary>
    [CsvColumn("architecture")] public string Architecture { get; set; } = "";
    [CsvColumn("tied_embeddings")] public bool TiedEmbeddings { get; set; }
    [CsvColumn("dropout")] public bool Dropout { get; set; }
    [CsvColumn("accelerator")] public string Accelerator { get; set; } = "";
    [CsvColumn("gpus")] public int Gpus { get; set; }
    [CsvColumn("devices_per_node")] public int DevicesPerNode { get; set; }
    [CsvColumn("framework")] public string Framework { get; set; } = "";
    [CsvColumn("kernels")] public string Kernels { get; set; } = "";
    [CsvColumn("attention_kernel")] public string AttentionKernel { get; set; } = "";
    /// <summary>false for the 2021 kernels, which add each micro-batch's gradients into the fp32 buffer in a separate pass.</summary>
    [CsvColumn("fused_gradient_accumulation")] public string FusedGradientAccumulation { get; set; } = "";
    [CsvColumn("layout")] public string Layout { get; set; } = "";
    [CsvColumn("global_batch")] public int GlobalBatch { get; set; }
    /// <summary>tokens_per_s_per_gpu, tokens_per_s_total, step_seconds, model_tflops_per_gpu or hardware_tflops_per_gpu.</summary>
    [CsvColumn("metric")] public string Metric { get; set; } = "";
    /// <summary>How the source counted FLOPs for a TFLOP/s figure (<see cref="PublishedFlops"/>); empty for time and token figures.</summary>
    [CsvColumn("flop_formula")] public string FlopFormula { get; set; } = "";
    [CsvColumn("value")] public double Value { get; set; }
    [CsvColumn("source")] public string Source { get; set; } = "";
    [CsvColumn("source_detail")] public string SourceDetail { get; set; } = "";
    [CsvColumn("notes")] public string Notes { get; set; } = "";

    // Mixture of experts (optional columns; absent or 0 experts is a dense model): the scenario's model.moe keys.
    [CsvColumn("experts", Optional = true)] public int Experts { get; set; }
    [CsvColumn("top_k", Optional = true)] public int TopK { get; set; }
    /// <summary>Shared experts, each <see cref="ExpertFfnHidden"/> wide (a wider shared expert counts as several).</summary>
    [CsvColumn("shared_experts", Optional = true)] public int SharedExperts { get; set; }
    [CsvColumn("expert_ffn_hidden", Optional = true)] public int ExpertFfnHidden { get; set; }
    [CsvColumn("dense_layers", Optional = true)] public int DenseLayers { get; set; }
    /// <summary>Tokens an expert takes at most over its even share; empty is dropless.</summary>
    [CsvColumn("capacity_factor", Optional = true)] public string CapacityFactor { get; set; } = "";

    public static IReadOnlyList<PublishedRun> Read(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path));
        return csv.GetRecords<PublishedRun>().ToList();
    }

    public ModelSpec Model()
    {
        var shape = Architecture switch
        {
            "gpt" => ModelPresets.Get("gpt2-small"),
            "llama" => ModelPresets.Get("llama3-8b"),
            _ => throw new SpecException($"{Name}.architecture", $"unknown value '{Architecture}'; allowed: gpt llama"),
        };
        return (shape with
        {
            Name = Name, Layers = Layers, Hidden = Hidden, Heads = Heads, KvHeads = KvHeads, FfnHidden = FfnHidden, Vocab = Vocab,
            SequenceLength = SequenceLength, TiedEmbeddings = TiedEmbeddings, Dropout = Dropout,
            Moe = Experts == 0 ? null : new MoeSpec
            {
                Experts = Experts, TopK = TopK, SharedExperts = SharedExperts, ExpertFfnHidden = ExpertFfnHidden, DenseLayers = DenseLayers,
                CapacityFactor = CapacityFactor.Length == 0 ? null : double.Parse(CapacityFactor, System.Globalization.CultureInfo.InvariantCulture),
            },
        }).Validated();
    }

    public TrainingJob Job()
    {
        var accelerator = AcceleratorCatalog.Get(Accelerator);
        var cluster = ClusterSpec.Of(accelerator, Math.Max(1, Gpus / DevicesPerNode)) with { DevicesPerNode = Math.Min(Gpus, DevicesPerNode) };
        var training = new TrainingSpec
        {
            GlobalBatchSize = GlobalBatch, Tokens = 1e12,
            Framework = Choice(StackKeys.Frameworks, Framework, "framework"),
            AttentionKernel = Choice(StackKeys.AttentionKernels, AttentionKernel, "attention_kernel"),
            Kernels = Kernels.Length == 0 ? null : Choice(StackKeys.KernelSets, Kernels, "kernels"),
            FusedGradientAccumulation = FusedGradientAccumulation != "false",
        };
        return new TrainingJob(Model(), cluster, training);
    }

    public Layout ParsedLayout() => Simulator.Layouts.Layout.Parse(Layout);

    private T Choice<T>(IReadOnlyDictionary<string, T> options, string value, string column) =>
        options.TryGetValue(value, out var choice) ? choice : throw new SpecException($"{Name}.{column}", $"unknown value '{value}'; allowed: {string.Join(' ', options.Keys)}");
}
