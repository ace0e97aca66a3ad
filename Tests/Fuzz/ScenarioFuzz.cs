using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace ScalePlanner.Tests.Fuzz;

/// <summary>One generated scenario file: its text and how it was made from a valid one (shown when a case fails).</summary>
public sealed record ScenarioCase(string Json, string Made)
{
    public override string ToString() => $"{Made}\n{Json}";
}

/// <summary>
/// Scenarios as a new user writes them: a valid scenario with one to three mutations, each a key of the schema set to an
/// awkward value (zero, negative, tiny, huge, fractional, an object, a list, null, text), removed, misspelt, repeated in another
/// case, or the whole text truncated or replaced by a value that is not an object.
/// </summary>
public static class ScenarioFuzz
{
    /// <summary>Valid, small scenarios (each searches in well under a second): a preset, a model of its own, and two cluster options.</summary>
    public static readonly string[] Bases =
    [
        """{ "name": "base gpt2", "model": { "preset": "gpt2-small" }, "cluster": { "accelerator": "a100-sxm-80gb", "nodes": 1 }, "training": { "globalBatchSize": 64, "tokens": 1e9 }, "search": { "precision": ["bf16"], "optimizer": ["adamw"], "recompute": ["none", "full"] } }""",
        """{ "model": { "layers": 8, "hidden": 512, "heads": 8, "kvHeads": 2, "ffnHidden": 1536, "gatedMlp": true, "vocab": 32000, "sequenceLength": 2048, "norm": "rmsnorm", "positions": "rotary" }, "cluster": { "accelerator": "h100-sxm", "nodes": 1, "devicesPerNode": 8, "pricePerDeviceHour": 2.5 }, "training": { "globalBatchSize": 32, "tokens": 2e9 }, "search": { "precision": ["bf16"], "optimizer": ["adamw"], "zero": [0, 1], "compress": ["none"] }, "objective": "cost", "constraints": { "deadlineDays": 30 } }""",
        """{ "model": { "layers": 4, "hidden": 256, "heads": 4, "vocab": 4096, "sequenceLength": 256 }, "clusters": [ { "accelerator": "l4", "nodes": [1, 2] }, { "accelerator": "cpu", "nodes": 1, "devicesPerNode": 2 } ], "training": { "globalBatchSize": 16, "tokens": 2e7 }, "search": { "optimizer": ["sgd"], "recompute": ["none"] } }""",
    ];

    /// <summary>Every key of the schema, as a path (cluster keys are reached through "cluster" or "clusters[0]").</summary>
    public static readonly string[] Paths =
    [
        "name", "objective", "model", "model.preset", "model.layers", "model.hidden", "model.heads", "model.kvHeads", "model.ffnHidden",
        "model.gatedMlp", "model.vocab", "model.sequenceLength", "model.tiedEmbeddings", "model.biases", "model.norm", "model.positions",
        "model.dropout", "cluster", "cluster.accelerator", "cluster.nodes", "cluster.devicesPerNode", "cluster.intraNodeGBps",
        "cluster.interNodeGBps", "cluster.intraNodeLatencyUs", "cluster.interNodeLatencyUs", "cluster.pricePerDeviceHour",
        "cluster.deviceMtbfHours", "cluster.checkpointGBpsPerNode", "cluster.restartSeconds", "training", "training.globalBatchSize",
        "training.tokens", "training.flashAttention", "training.attentionKernel", "training.framework", "training.kernels",
        "training.fusedGradientAccumulation", "training.loaderTokensPerSecondPerDevice", "search", "search.dp", "search.tp", "search.pp",
        "search.vp", "search.cp", "search.mb", "search.zero", "search.recompute", "search.precision", "search.optimizer",
        "search.compress", "search.overlap", "search.sp", "search.schedule", "search.tpAcrossNodes", "search.minTokensPerContextRank",
        "search.framework", "constraints", "constraints.deadlineDays", "constraints.budgetDollars",
    ];

    /// <summary>Awkward values, as JSON text: bounds and just past them, numbers where text belongs and the other way round, shapes where values belong.</summary>
    public static readonly string[] Values =
    [
        "0", "-1", "1", "2", "3", "7", "8", "0.5", "1.5", "-5", "1e-300", "1e-9", "1e300", "2147483647", "2147483648", "2000000000",
        "65536", "1048576", "1e16", "1e17", "0.01", "100000", "{}", """{ "a": 1 }""", "[]", "[1]", "[7]", "[0]", "[-1]", "[1, 1, 2]",
        """["powersgd:1000000"]""", """["powersgd:4"]""", """["hybrid"]""", """["2,pp=4"]""", "[[1]]", "[{}]", "null", "\"text\"", "\"\"",
        "\"8\"", "true", "false", "\"bf16\"", "\"fp8\"", "\"gpt2-small\"", "\"llama3-70b\"", "\"h100-sxm\"", "\"cost\"", "\"mfu\"",
        "\"rmsnorm\"", "\"fsdp\"", "\"flash3\"", "\"eager\"",
    ];

    private enum Kind { Set, Remove, Unknown, CaseTwin, Truncate, Root }

    private sealed record Mutation(Kind Kind, string Path, string Value, int Cut);

    private static readonly Gen<Mutation> Mutations =
        from kind in Gen.Frequency((12, Gen.Constant(Kind.Set)), (2, Gen.Constant(Kind.Remove)), (1, Gen.Constant(Kind.Unknown)),
                                   (1, Gen.Constant(Kind.CaseTwin)), (1, Gen.Constant(Kind.Truncate)), (1, Gen.Constant(Kind.Root)))
        from path in Gen.Elements(Paths)
        from value in Gen.Elements(Values)
        from cut in Gen.Choose(0, 400)
        select new Mutation(kind, path, value, cut);

    public static readonly Gen<ScenarioCase> Cases =
        from b in Gen.Choose(0, Bases.Length - 1)
        from count in Gen.Choose(1, 3)
        from mutations in Gen.ArrayOf(Mutations, count)
        select Apply(Bases[b], mutations, $"base {b}");

    /// <summary>Mutations of the values only (no shapes the loader refuses outright): where nonsense figures used to hide.</summary>
    public static readonly Gen<ScenarioCase> Figures =
        from b in Gen.Choose(0, 1)
        from path in Gen.Elements(Paths.Where(p => p.StartsWith("cluster.", StringComparison.Ordinal) || p.StartsWith("training.", StringComparison.Ordinal) || p.StartsWith("constraints.", StringComparison.Ordinal)).ToArray())
        from value in Gen.Elements(Values.Where(v => double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _)).ToArray())
        select Apply(Bases[b], [new Mutation(Kind.Set, path, value, 0)], $"base {b}");

    private static ScenarioCase Apply(string json, Mutation[] mutations, string made)
    {
        foreach (var m in mutations)
        {
            json = m.Kind switch
            {
                Kind.Set => Set(json, m.Path, m.Value),
                Kind.Remove => Edit(json, m.Path, (parent, key) => parent.Remove(key)),
                Kind.Unknown => Edit(json, m.Path, (parent, key) => parent[key + "z"] = 1),
                Kind.CaseTwin => CaseTwin(json, m.Path, m.Value),
                Kind.Truncate => json[..Math.Min(m.Cut, json.Length)],
                _ => m.Value,
            };
            made += $"; {m.Kind} {m.Path} {(m.Kind is Kind.Set or Kind.CaseTwin or Kind.Root ? m.Value : m.Kind == Kind.Truncate ? m.Cut : "")}";
        }
        return new ScenarioCase(json, made);
    }

    /// <summary>Sets the value at a path, making the sections on the way (and "cluster" means the first of "clusters" where the base has a list).</summary>
    private static string Set(string json, string path, string value) =>
        Edit(json, path, (parent, key) => parent[key] = JsonNode.Parse(value));

    /// <summary>The key at the path written a second time with its first letter's case flipped, by editing the text (a JSON object model cannot hold both).</summary>
    private static string CaseTwin(string json, string path, string value)
    {
        string key = path.Split('.')[^1];
        string twin = char.IsUpper(key[0]) ? char.ToLowerInvariant(key[0]) + key[1..] : char.ToUpperInvariant(key[0]) + key[1..];
        int at = json.IndexOf($"\"{key}\":", StringComparison.Ordinal);
        return at < 0 ? json : json.Insert(at, $"\"{twin}\": {value}, ");
    }

    private static string Edit(string json, string path, Action<JsonObject, string> change)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(json, documentOptions: new() { AllowTrailingCommas = true });
        }
        catch (System.Text.Json.JsonException)
        {
            return json;   // an earlier mutation already broke the text: it stays broken
        }
        if (parsed is not JsonObject root) return json;
        var parts = path.Split('.');
        JsonObject parent = root;
        foreach (string part in parts[..^1])
        {
            var next = part == "cluster" && parent["cluster"] is null && parent["clusters"] is JsonArray list ? list[0] : parent[part];
            if (next is not JsonObject section)
            {
                section = new JsonObject();
                parent[part] = section;
            }
            parent = section;
        }
        change(parent, parts[^1]);
        return root.ToJsonString();
    }
}
