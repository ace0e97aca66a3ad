using Microsoft.Extensions.Configuration;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>Reads a scenario JSON file (Microsoft.Extensions.Configuration.Json) into validated specs; the schema is in the README.</summary>
public static class ScenarioLoader
{
    private static readonly string[] ModelKeys = ["preset", "layers", "hidden", "heads", "kvHeads", "ffnHidden", "gatedMlp", "vocab", "sequenceLength", "tiedEmbeddings", "biases", "norm", "positions", "dropout", "headDim", "mtpLayers", "moe", "attention", "mla"];
    private static readonly string[] ClusterKeys = ["accelerator", "nodes", "devicesPerNode", "intraNodeGBps", "interNodeGBps", "intraNodeLatencyUs", "interNodeLatencyUs", "pricePerDeviceHour", "deviceMtbfHours", "checkpointGBpsPerNode", "restartSeconds"];
    private static readonly string[] TrainingKeys = ["globalBatchSize", "tokens", "flashAttention", "attentionKernel", "framework", "kernels", "fusedGradientAccumulation", "loaderTokensPerSecondPerDevice", "moeDispatcher", "moeOverlap", .. RecipeLoader.Keys];
    private static readonly string[] TopKeys = ["name", "model", "cluster", "clusters", "training", "search", "objective", "constraints"];
    private static readonly string[] ConstraintKeys = ["deadlineDays", "budgetDollars"];

    public static Scenario Load(string path)
    {
        var top = new ConfigReader(Read(path), "").OnlyKeys(TopKeys);
        string name = top.String("name") ?? System.IO.Path.GetFileNameWithoutExtension(path);
        var model = Model(top.Section("model")).Validated();
        var training = Training(top.Section("training")).Validated();
        RequireOneStep(model, training);
        if (top.Has("cluster") == top.Has("clusters"))
            throw new SpecException("cluster", "give exactly one of 'cluster' (one cluster) or 'clusters' (a list of options to compare)");
        var clusters = top.Has("cluster")
            ? Clusters(top.Section("cluster"))
            : [.. top.Section("clusters").Items().SelectMany(Clusters)];
        var recipe = RecipeLoader.Load(top.Section("training"));
        var search = SearchLoader.Load(top.Section("search"), recipe);
        RecipeLoader.RequireSupported(recipe, clusters, top.Section("search").Has("precision"));
        foreach (int ep in search.Ep ?? []) LayoutRules.RequireExpertDegrees(model, ep, 1, "search");
        foreach (int etp in search.Etp ?? []) LayoutRules.RequireExpertDegrees(model, 1, etp, "search");
        if (top.Section("search").Has("compress"))
            foreach (var compression in search.Compression) LayoutRules.RequirePowerSgdRank(model, compression, "search.compress");
        var constraints = top.Section("constraints").OnlyKeys(ConstraintKeys);
        var kind = top.Choice("objective", new Dictionary<string, ObjectiveKind> { ["time"] = ObjectiveKind.Time, ["cost"] = ObjectiveKind.Cost, ["mfu"] = ObjectiveKind.Mfu }) ?? ObjectiveKind.Time;
        var objective = new Objective(kind,
            constraints.Double("deadlineDays", Limits.DeadlineDays) * 86400,
            constraints.Double("budgetDollars", Limits.BudgetDollars));
        return new Scenario(name, model, training, clusters, search, objective) { Recipe = recipe };
    }

    /// <summary>
    /// The file's configuration, read once: <see cref="JsonStructure"/> checks the text (syntax, an object, repeated keys, nulls,
    /// empty lists) before the configuration reader sees the same bytes.
    /// </summary>
    private static IConfiguration Read(string path)
    {
        if (Directory.Exists(path)) throw new SpecException("scenario", $"'{path}' is a folder; give a scenario JSON file");
        if (!File.Exists(path)) throw new SpecException("scenario", $"file '{path}' does not exist");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpecException("scenario", $"cannot read '{path}': {ex.Message}");
        }
        JsonStructure.Check(path, System.Text.Encoding.UTF8.GetString(bytes));
        return new ConfigurationBuilder().AddJsonStream(new MemoryStream(bytes)).Build();
    }

    /// <summary>The run must train at least one optimizer step: fewer tokens than one global batch is no training run.</summary>
    private static void RequireOneStep(ModelSpec model, TrainingSpec training)
    {
        double step = (double)training.GlobalBatchSize * model.SequenceLength;
        if (training.Tokens < step)
            throw new SpecException("training.tokens", $"{Limits.Number(training.Tokens)} is less than one optimizer step (globalBatchSize {training.GlobalBatchSize} × sequenceLength {model.SequenceLength} = {Limits.Number(step)} tokens); give from {Limits.Number(step)} to {Limits.Number(Limits.Tokens.Max)}");
    }

    public static ModelSpec Model(ConfigReader m)
    {
        m.OnlyKeys(ModelKeys);
        string? preset = m.String("preset");
        var spec = preset is null ? new ModelSpec { Name = "custom", TiedEmbeddings = false } : ModelPresets.Get(preset);
        if (preset is null)
        {
            foreach (var key in new[] { "layers", "hidden", "heads", "vocab", "sequenceLength" })
            {
                if (!m.Has(key)) throw new SpecException($"{m.Path}.{key}", "is required when no preset is given");
            }
        }
        int hidden = m.Int("hidden", Limits.Hidden) ?? spec.Hidden, heads = m.Int("heads", Limits.Hidden) ?? spec.Heads;
        return spec with
        {
            Layers = m.Int("layers", Limits.Layers) ?? spec.Layers,
            Hidden = hidden,
            Heads = heads,
            KvHeads = m.Int("kvHeads", Limits.Hidden) ?? (preset is null || m.Has("heads") ? heads : spec.KvHeads),
            FfnHidden = m.Int("ffnHidden", Limits.FfnHidden) ?? (preset is null || m.Has("hidden") ? 4 * hidden : spec.FfnHidden),   // 4·hidden ≤ 2²² by the hidden range
            GatedMlp = m.Bool("gatedMlp") ?? spec.GatedMlp,
            Vocab = m.Int("vocab", Limits.Vocab) ?? spec.Vocab,
            SequenceLength = m.Int("sequenceLength", Limits.SequenceLength) ?? spec.SequenceLength,
            TiedEmbeddings = m.Bool("tiedEmbeddings") ?? spec.TiedEmbeddings,
            Biases = m.Bool("biases") ?? spec.Biases,
            Norm = m.Choice("norm", new Dictionary<string, NormKind> { ["layernorm"] = NormKind.LayerNorm, ["rmsnorm"] = NormKind.RmsNorm }) ?? spec.Norm,
            Positions = m.Choice("positions", new Dictionary<string, PositionEmbedding> { ["learned"] = PositionEmbedding.Learned, ["rotary"] = PositionEmbedding.Rotary }) ?? spec.Positions,
            Dropout = m.Bool("dropout") ?? spec.Dropout,
            HeadDimension = m.Int("headDim") ?? spec.HeadDimension,
            MtpLayers = m.Int("mtpLayers") ?? spec.MtpLayers,
            Moe = ExpertsLoader.Moe(m, spec.Moe),
            Mla = ExpertsLoader.Mla(m, spec.Mla),
        };
    }

    /// <summary>One cluster entry; a list of node counts gives one option per count.</summary>
    public static IReadOnlyList<ClusterSpec> Clusters(ConfigReader c)
    {
        c.OnlyKeys(ClusterKeys);
        var accelerator = AcceleratorCatalog.Get(c.RequiredString("accelerator"));
        var defaults = ReliabilitySpec.Default;
        var reliability = new ReliabilitySpec(
            c.Double("deviceMtbfHours", Limits.DeviceMtbfHours) ?? defaults.DeviceMtbfHours,
            c.Double("checkpointGBpsPerNode", Limits.CheckpointGBpsPerNode) ?? defaults.CheckpointGBpsPerNode,
            c.Double("restartSeconds", Limits.RestartSeconds) ?? defaults.RestartSeconds);
        var nodes = c.IntList("nodes", Limits.Nodes) ?? [1];
        int perNode = c.Int("devicesPerNode", Limits.DevicesPerNode) ?? accelerator.DefaultDevicesPerNode;
        foreach (int n in nodes)
        {
            if ((long)n * perNode > Limits.MaxDevices)
                throw new SpecException($"{c.Path}.nodes", $"{n} nodes × {perNode} devices per node = {Limits.Number((long)n * perNode)} devices, more than {Limits.Number(Limits.MaxDevices)}");
        }
        return [.. nodes.Select(n => new ClusterSpec(
            accelerator,
            n,
            perNode,
            new LinkSpec(c.Double("intraNodeGBps", Limits.LinkGBps) ?? accelerator.IntraNode.GBps, (c.Double("intraNodeLatencyUs", Limits.LatencyUs) * 1e-6) ?? accelerator.IntraNode.LatencySeconds),
            new LinkSpec(c.Double("interNodeGBps", Limits.LinkGBps) ?? accelerator.InterNode.GBps, (c.Double("interNodeLatencyUs", Limits.LatencyUs) * 1e-6) ?? accelerator.InterNode.LatencySeconds),
            c.Double("pricePerDeviceHour", Limits.PricePerDeviceHour) ?? accelerator.PricePerHour) { Reliability = reliability }.Validated())];
    }

    public static TrainingSpec Training(ConfigReader t)
    {
        t.OnlyKeys(TrainingKeys);
        bool? flash = t.Bool("flashAttention");
        var kernel = t.Choice("attentionKernel", StackKeys.AttentionKernels);
        if (flash is { } given && kernel is { } chosen && given != (chosen != AttentionKernel.Unfused))
            throw new SpecException($"{t.Path}.attentionKernel", $"'{chosen.Key()}' contradicts flashAttention={given.ToString().ToLowerInvariant()}; give one of the two");
        return new TrainingSpec
        {
            GlobalBatchSize = t.RequiredInt("globalBatchSize", Limits.GlobalBatchSize),
            Tokens = t.RequiredDouble("tokens", Limits.Tokens),
            Framework = t.Choice("framework", StackKeys.Frameworks) ?? Framework.Megatron,
            AttentionKernel = kernel ?? (flash == false ? AttentionKernel.Unfused : AttentionKernel.Flash2),
            Kernels = t.Choice("kernels", StackKeys.KernelSets),
            FusedGradientAccumulation = t.Bool("fusedGradientAccumulation") ?? true,
            LoaderTokensPerSecondPerDevice = t.Double("loaderTokensPerSecondPerDevice", Limits.LoaderTokensPerSecond),
            MoeDispatcher = t.Choice("moeDispatcher", StackKeys.MoeDispatchers) ?? MoeDispatcher.AllToAll,
            MoeOverlap = t.Bool("moeOverlap") ?? false,
        };
    }
}
