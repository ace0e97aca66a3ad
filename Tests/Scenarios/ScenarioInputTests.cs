using System.Text.Json.Nodes;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Scenarios;

/// <summary>
/// Scenario input is checked by type and by a physically meaningful range before any work, in the user's own key names and
/// units (issue 19's cases: shapes silently ignored, repeated keys, near-zero rates that gave infinite results, overflow).
/// </summary>
public class ScenarioInputTests
{
    private const string Good = """
        { "model": { "preset": "gpt2-small" }, "cluster": { "accelerator": "a100-sxm-80gb", "nodes": 1 },
          "training": { "globalBatchSize": 64, "tokens": 1e9 } }
        """;

    private static SpecException Refused(string json)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-scenario-").FullName, "scenario.json");
        File.WriteAllText(path, json);
        return Assert.Throws<SpecException>(() => ScenarioLoader.Load(path));
    }

    /// <summary><see cref="Good"/> with one key set to a JSON value (sections made as needed).</summary>
    internal static string With(string path, string value)
    {
        var root = JsonNode.Parse(Good)!.AsObject();
        var parts = path.Split('.');
        var section = root;
        foreach (string part in parts[..^1]) section = section[part] as JsonObject ?? (JsonObject)(section[part] = new JsonObject());
        section[parts[^1]] = JsonNode.Parse(value);
        return root.ToJsonString();
    }

    /// <summary>Scenario files that are valid JSON but not an object, and how the refusal names what they hold (the program's own tests reuse these).</summary>
    public static TheoryData<string, string> NotAnObject => new()
    {
        { "[]", "a list" },
        { "null", "null" },
        { "42", "the number 42" },
        { "\"gpt2\"", "the text 'gpt2'" },
    };

    [Theory]
    [MemberData(nameof(NotAnObject))]
    public void Should_Refuse_A_Scenario_That_Is_Valid_Json_But_Not_An_Object(string json, string what)
    {
        var error = Refused(json);
        Assert.Equal("scenario", error.Field);
        Assert.Contains($"holds {what}; a scenario is a JSON object", error.Message);
    }

    /// <summary>A key given twice in <see cref="Good"/>'s cluster, the field named and the message.</summary>
    public static TheoryData<string, string, string> RepeatedKeys => new()
    {
        { "\"nodes\": 1, \"nodes\": 2", "cluster.nodes", "is given twice; give each key once" },
        { "\"nodes\": 1, \"Nodes\": 2", "cluster.Nodes", "('nodes' and 'Nodes'; keys are case-insensitive)" },
    };

    [Theory]
    [MemberData(nameof(RepeatedKeys))]
    public void Should_Refuse_A_Key_Given_Twice_Also_When_Only_Its_Case_Differs(string keys, string field, string message)
    {
        var error = Refused(Good.Replace("\"nodes\": 1", keys));
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    /// <summary>Every scalar key of the schema: an object or a list there used to be ignored and the preset's or catalog's value used.</summary>
    public static TheoryData<string, string> ScalarKeys()
    {
        var data = new TheoryData<string, string>();
        string[] keys =
        [
            "model.layers", "model.hidden", "model.heads", "model.kvHeads", "model.ffnHidden", "model.vocab", "model.sequenceLength",
            "model.gatedMlp", "model.tiedEmbeddings", "model.biases", "model.dropout", "model.norm", "model.positions", "model.preset",
            "cluster.devicesPerNode", "cluster.intraNodeGBps", "cluster.interNodeGBps", "cluster.intraNodeLatencyUs", "cluster.interNodeLatencyUs",
            "cluster.pricePerDeviceHour", "cluster.deviceMtbfHours", "cluster.checkpointGBpsPerNode", "cluster.restartSeconds",
            "training.globalBatchSize", "training.tokens", "training.flashAttention", "training.fusedGradientAccumulation",
            "training.loaderTokensPerSecondPerDevice", "training.framework", "search.tpAcrossNodes", "search.minTokensPerContextRank",
            "constraints.deadlineDays", "constraints.budgetDollars", "objective", "name",
        ];
        foreach (string key in keys)
        {
            foreach (string value in new[] { "{}", """{ "value": 8 }""", "[8]" }) data.Add(key, value);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ScalarKeys))]
    public void Should_Refuse_An_Object_Or_A_List_Where_A_Value_Belongs(string key, string value)
    {
        var error = Refused(With(key, value));
        Assert.Equal(key, error.Field);
        Assert.Matches("must be .*, got (an empty object|an object|a list)$", error.Message);
    }

    [Theory]
    [InlineData("model", "\"gpt2-small\"", "model", "must be an object with keys preset")]
    [InlineData("search", "[1]", "search", "must be an object with keys dp")]
    [InlineData("model.layers", "null", "model.layers", "is null; give a value, or leave the key out")]
    [InlineData("search.tp", "[]", "search.tp", "is an empty list")]
    [InlineData("search.tp", "[[2]]", "search.tp[0]", "got a list")]
    [InlineData("search.tp", "[\"2,pp=4\"]", "search.tp", "is not one value")]
    public void Should_Refuse_Shapes_That_Would_Read_As_Not_Given(string key, string value, string field, string message)
    {
        var error = Refused(With(key, value));
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("search.zero", "[7]", "must be 0, 1, 2, 3 or hybrid, got '7'")]
    [InlineData("search.dp", "[0]", "must be an integer from 1 to 2,097,152, got 0")]
    [InlineData("search.mb", "[-2]", "must be an integer from 1 to 16,777,216 sequences")]
    [InlineData("search.compress", "[\"powersgd:100000\"]", "allowed: powersgd:1 to powersgd:383")]
    public void Should_Check_Search_Lists_Like_Layout_Values(string key, string value, string message)
    {
        var error = Refused(With(key, value));
        Assert.Equal(key, error.Field);
        Assert.Contains(message, error.Message);
    }

    /// <summary>Values outside their physical range (near-zero rates gave infinite step times and costs), with the refusal in the user's key and unit.</summary>
    public static TheoryData<string, string, string> OutsidePhysicalRange => new()
    {
        { "cluster.intraNodeGBps", "1e-300", "must be a number from 0.01 to 100,000 GB/s, got 1e-300" },
        { "cluster.interNodeGBps", "0.001", "must be a number from 0.01 to 100,000 GB/s, got 0.001" },
        { "cluster.deviceMtbfHours", "1e-6", "must be a number from 1 to 1e9 hours, got 1e-6" },
        { "cluster.checkpointGBpsPerNode", "0", "must be a number from 0.01 to 100,000 GB/s, got 0" },
        { "training.loaderTokensPerSecondPerDevice", "1e-300", "must be a number from 1 to 1e12 tokens/s, got 1e-300" },
        { "cluster.intraNodeLatencyUs", "-5", "must be a number from 0 to 100,000 µs, got -5" },
        { "cluster.pricePerDeviceHour", "-2", "must be a number from 0 to 10,000 $/hour, got -2" },
        { "model.hidden", "2000000000", "must be an integer from 1 to 1,048,576, got 2000000000" },
        { "model.layers", "2147483648", "must be an integer from 1 to 10,000, got 2147483648" },
        { "training.tokens", "0.5", "must be a number from 1 to 1e16 tokens, got 0.5" },
        { "constraints.deadlineDays", "0", "must be a number from 0.001 to 100,000 days, got 0" },
    };

    [Theory]
    [MemberData(nameof(OutsidePhysicalRange))]
    public void Should_Refuse_A_Value_Outside_Its_Physical_Range_In_The_Users_Key_And_Unit(string key, string value, string message)
    {
        var error = Refused(With(key, value));
        Assert.Equal(key, error.Field);
        Assert.EndsWith(message, error.Message);
    }

    [Fact]
    public void Should_Refuse_Fewer_Tokens_Than_One_Optimizer_Step()
    {
        var error = Refused(With("training.tokens", "1000"));
        Assert.Equal("training.tokens", error.Field);
        Assert.Contains("less than one optimizer step (globalBatchSize 64 × sequenceLength 1024 = 65,536 tokens)", error.Message);
    }

    [Fact]
    public void Should_Refuse_More_Devices_Than_The_Largest_Cluster()
    {
        var error = Refused(With("cluster.nodes", "1048576"));
        Assert.Equal("cluster.nodes", error.Field);
        Assert.Contains("= 8,388,608 devices, more than 2,097,152", error.Message);
    }

    [Theory]
    [InlineData("dp=8,compress=powersgd:1000000", "layout.compress", "powersgd:1000000 does not compress this model")]
    [InlineData("dp=8,compress=powersgd:384", "layout.compress", "allowed: powersgd:1 to powersgd:383")]
    [InlineData("dp=8,zero=7", "layout.zero", "must be 0, 1, 2, 3 or hybrid, got '7'")]
    [InlineData("dp=1048576,tp=1048576", "layout", "devices, more than 2,097,152")]
    [InlineData("dp=99999999999", "layout.dp", "must be an integer from 1 to 2,097,152, got 99999999999")]
    public void Should_Refuse_Layout_Values_Outside_Their_Range(string text, string field, string message)
    {
        var error = Assert.Throws<SpecException>(() =>
        {
            var layout = Layout.Parse(text);
            layout.Validated(ModelPresets.Get("gpt2-small"), new TrainingSpec { GlobalBatchSize = 64, Tokens = 1e9 }, 8);
        });
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }
}
