using System.Text.Json;
using Microsoft.Extensions.Configuration;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>Reads a scenario JSON file (Microsoft.Extensions.Configuration.Json) into validated specs; the schema is in the README.</summary>
public static class ScenarioLoader
{
    private static readonly string[] ModelKeys = ["preset", "layers", "hidden", "heads", "kvHeads", "ffnHidden", "gatedMlp", "vocab", "sequenceLength", "tiedEmbeddings", "biases", "norm", "positions", "dropout"];
    private static readonly string[] ClusterKeys = ["accelerator", "nodes", "devicesPerNode", "intraNodeGBps", "interNodeGBps", "intraNodeLatencyUs", "interNodeLatencyUs", "pricePerDeviceHour"];
    private static readonly string[] TrainingKeys = ["globalBatchSize", "tokens", "flashAttention", "fusedGradientAccumulation", "loaderTokensPerSecondPerDevice"];
    private static readonly string[] Objectives = ["time", "cost", "mfu"];
    private static readonly string[] TopKeys = ["name", "model", "cluster", "training", "search", "objective"];

    public static Scenario Load(string path)
    {
        if (!File.Exists(path)) throw new SpecException("scenario", $"file '{path}' does not exist");
        CheckJson(path);
        var config = new ConfigurationBuilder().AddJsonFile(System.IO.Path.GetFullPath(path), optional: false, reloadOnChange: false).Build();
        var top = new ConfigReader(config, "").OnlyKeys(TopKeys);
        string name = top.String("name") ?? System.IO.Path.GetFileNameWithoutExtension(path);
        string objective = (top.String("objective") ?? "time").ToLowerInvariant();
        if (!Objectives.Contains(objective)) throw new SpecException("objective", $"unknown value '{objective}'; allowed: {string.Join(' ', Objectives)}");
        var job = new TrainingJob(Model(top.Section("model")), Cluster(top.Section("cluster")), Training(top.Section("training"))).Validated();
        return new Scenario(name, job, objective);
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
        };
    }

    public static ClusterSpec Cluster(ConfigReader c)
    {
        c.OnlyKeys(ClusterKeys);
        var accelerator = AcceleratorCatalog.Get(c.RequiredString("accelerator"));
        return new ClusterSpec(
            accelerator,
            c.Int("nodes") ?? 1,
            c.Int("devicesPerNode") ?? accelerator.DefaultDevicesPerNode,
            new LinkSpec(c.Double("intraNodeGBps") ?? accelerator.IntraNode.GBps, (c.Double("intraNodeLatencyUs") * 1e-6) ?? accelerator.IntraNode.LatencySeconds),
            new LinkSpec(c.Double("interNodeGBps") ?? accelerator.InterNode.GBps, (c.Double("interNodeLatencyUs") * 1e-6) ?? accelerator.InterNode.LatencySeconds),
            c.Double("pricePerDeviceHour") ?? accelerator.PricePerHour);
    }

    public static TrainingSpec Training(ConfigReader t)
    {
        t.OnlyKeys(TrainingKeys);
        return new TrainingSpec
        {
            GlobalBatchSize = t.RequiredInt("globalBatchSize"),
            Tokens = t.RequiredDouble("tokens"),
            FlashAttention = t.Bool("flashAttention") ?? true,
            FusedGradientAccumulation = t.Bool("fusedGradientAccumulation") ?? true,
            LoaderTokensPerSecondPerDevice = t.Double("loaderTokensPerSecondPerDevice"),
        };
    }
}
