using System.Text.Json;
using Microsoft.Extensions.Configuration;
using ScalePlanner.Simulator.Hardware;
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
        if (!File.Exists(path)) throw new SpecException("scenario", $"file '{path}' does not exist");
        CheckJson(path);
        var config = new ConfigurationBuilder().AddJsonFile(System.IO.Path.GetFullPath(path), optional: false, reloadOnChange: false).Build();
        var top = new ConfigReader(config, "").OnlyKeys(TopKeys);
        string name = top.String("name") ?? System.IO.Path.GetFileNameWithoutExtension(path);
        var model = Model(top.Section("model")).Validated();
        var training = Training(top.Section("training")).Validated();
        if (top.Has("cluster") == top.Has("clusters"))
            throw new SpecException("cluster", "give exactly one of 'cluster' (one cluster) or 'clusters' (a list of options to compare)");
        var clusters = top.Has("cluster")
            ? Clusters(top.Section("cluster"))
            : [.. top.Section("clusters").Items().SelectMany(Clusters)];
        var recipe = RecipeLoader.Load(top.Section("training"));
        var search = SearchLoader.Load(top.Section("search"), recipe);
        RecipeLoader.RequireSupported(recipe, clusters, top.Section("search").Has("precision"));
        var constraints = top.Section("constraints").OnlyKeys(ConstraintKeys);
        var kind = top.Choice("objective", new Dictionary<string, ObjectiveKind> { ["time"] = ObjectiveKind.Time, ["cost"] = ObjectiveKind.Cost, ["mfu"] = ObjectiveKind.Mfu }) ?? ObjectiveKind.Time;
        var objective = new Objective(kind,
            constraints.Double("deadlineDays") is { } days ? Guard.Positive("constraints.deadlineDays", days) * 86400 : null,
            constraints.Double("budgetDollars") is { } dollars ? Guard.Positive("constraints.budgetDollars", dollars) : null);
        return new Scenario(name, model, training, clusters, search, objective) { Recipe = recipe };
    }

    /// <summary>Malformed JSON gets one line with the position, before the configuration reader sees it.</summary>
    private static void CheckJson(string path)
    {
        try
        {
            using var _ = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new SpecException("scenario", $"'{path}' is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }
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
        int hidden = m.Int("hidden") ?? spec.Hidden, heads = m.Int("heads") ?? spec.Heads;
        return spec with
        {
            Layers = m.Int("layers") ?? spec.Layers,
            Hidden = hidden,
            Heads = heads,
            KvHeads = m.Int("kvHeads") ?? (preset is null || m.Has("heads") ? heads : spec.KvHeads),
            FfnHidden = m.Int("ffnHidden") ?? (preset is null || m.Has("hidden") ? 4 * hidden : spec.FfnHidden),
            GatedMlp = m.Bool("gatedMlp") ?? spec.GatedMlp,
            Vocab = m.Int("vocab") ?? spec.Vocab,
            SequenceLength = m.Int("sequenceLength") ?? spec.SequenceLength,
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
            c.Double("deviceMtbfHours") ?? defaults.DeviceMtbfHours,
            c.Double("checkpointGBpsPerNode") ?? defaults.CheckpointGBpsPerNode,
            c.Double("restartSeconds") ?? defaults.RestartSeconds);
        var nodes = c.IntList("nodes") ?? [1];
        return [.. nodes.Select(n => new ClusterSpec(
            accelerator,
            n,
            c.Int("devicesPerNode") ?? accelerator.DefaultDevicesPerNode,
            new LinkSpec(c.Double("intraNodeGBps") ?? accelerator.IntraNode.GBps, (c.Double("intraNodeLatencyUs") * 1e-6) ?? accelerator.IntraNode.LatencySeconds),
            new LinkSpec(c.Double("interNodeGBps") ?? accelerator.InterNode.GBps, (c.Double("interNodeLatencyUs") * 1e-6) ?? accelerator.InterNode.LatencySeconds),
            c.Double("pricePerDeviceHour") ?? accelerator.PricePerHour) { Reliability = reliability }.Validated())];
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
            GlobalBatchSize = t.RequiredInt("globalBatchSize"),
            Tokens = t.RequiredDouble("tokens"),
            Framework = t.Choice("framework", StackKeys.Frameworks) ?? Framework.Megatron,
            AttentionKernel = kernel ?? (flash == false ? AttentionKernel.Unfused : AttentionKernel.Flash2),
            Kernels = t.Choice("kernels", StackKeys.KernelSets),
            FusedGradientAccumulation = t.Bool("fusedGradientAccumulation") ?? true,
            LoaderTokensPerSecondPerDevice = t.Double("loaderTokensPerSecondPerDevice"),
            MoeDispatcher = t.Choice("moeDispatcher", StackKeys.MoeDispatchers) ?? MoeDispatcher.AllToAll,
            MoeOverlap = t.Bool("moeOverlap") ?? false,
        };
    }
}
