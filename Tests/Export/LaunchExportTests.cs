using System.Text.Json;
using System.Text.RegularExpressions;
using ScalePlanner.Tests.Reports;

namespace ScalePlanner.Tests.Export;

/// <summary>
/// `--emit`: a layout as Megatron-LM arguments, a torchtitan TOML job config or a DeepSpeed JSON config with its launcher,
/// matched against golden files, every option checked against the option list of the cited version of the framework
/// (Tests/Export/Reference), and what a framework cannot express refused in one line.
/// </summary>
public partial class LaunchExportTests
{
    public static TheoryData<string, string, string, string> Cases() => new()
    {
        { "megatron", "gpt3-175b-1024-a100.json", "dp=32,tp=4,pp=8,vp=3,sp=on,mb=2,zero=1,recompute=full,recomputeLayers=2", "export-megatron-gpt3-175b.sh" },
        { "torchtitan", "llama3-70b-512-h100.json", "dp=64,tp=2,pp=4,sp=on,zero=hybrid,recompute=ops,precision=fp8", "export-torchtitan-llama3-70b.toml" },
        { "deepspeed", "llama2-7b-64-a100.json", "dp=64,mb=2,zero=3,recompute=full", "export-deepspeed-llama2-7b.sh" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Write_The_Golden_Launch_Config_For_A_Bundled_Scenario(string target, string scenario, string layout, string golden)
    {
        var outcome = Cli.Cli.Run("simulate", Cli.Cli.Scenario(scenario), "--layout", layout, "--emit", target);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Equal(Golden.Expected(golden, outcome.StdOut), outcome.StdOut);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Use_Only_Options_The_Cited_Version_Documents(string target, string scenario, string layout, string golden)
    {
        _ = golden;
        var outcome = Cli.Cli.Run("simulate", Cli.Cli.Scenario(scenario), "--layout", layout, "--emit", target);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        string text = outcome.StdOut;
        var used = target switch
        {
            "megatron" => MegatronOptions().Matches(text.Split("pretrain_gpt.py")[1]).Select(m => m.Value).ToList(),
            "torchtitan" => TomlKeys(text),
            _ => JsonKeys(JsonDocument.Parse(text.Split("<<'JSON'")[1].Split("\nJSON")[0]).RootElement, "").ToList(),
        };
        var known = Reference(target switch
        {
            "megatron" => "megatron-core_v0.15.3-arguments.txt",
            "torchtitan" => "torchtitan-v0.2.2-job-config-keys.txt",
            _ => "deepspeed-v0.16.4-config-keys.txt",
        });
        Assert.NotEmpty(used);
        Assert.All(used, option => Assert.True(known.Contains(option), $"{target}: '{option}' is not in the cited version's options"));
    }

    [Theory]
    [InlineData("megatron", "gpt3-175b-1024-a100.json", "dp=32,tp=4,pp=8,optimizer=lamb", "optimizer=lamb: --optimizer takes adam (AdamW) or sgd")]
    [InlineData("megatron", "gpt3-175b-1024-a100.json", "dp=128,tp=8,compress=powersgd:4", "Megatron-LM has no PowerSGD")]
    [InlineData("torchtitan", "llama2-7b-64-a100.json", "dp=32,tp=2,sp=on,zero=3", "not one of torchtitan v0.2.2's llama3 flavors")]
    [InlineData("torchtitan", "llama3-70b-512-h100.json", "dp=64,tp=8,zero=3", "sp=off with tp > 1")]
    [InlineData("deepspeed", "llama2-7b-64-a100.json", "dp=32,tp=2,zero=1", "a DeepSpeed program sets model parallelism in its code")]
    [InlineData("deepspeed", "llama2-7b-64-a100.json", "dp=64,zero=1,precision=fp8", "fp8: the config enables fp16 or bf16 only")]
    public void Should_Refuse_What_A_Target_Cannot_Express_In_One_Line(string target, string scenario, string layout, string reason)
    {
        var outcome = Cli.Cli.Run("simulate", Cli.Cli.Scenario(scenario), "--layout", layout, "--emit", target);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.Single(outcome.StdErr.Trim().Split('\n'));
        Assert.StartsWith($"error: --emit: {target} cannot express", outcome.StdErr);
        Assert.Contains(reason, outcome.StdErr);
    }

    [Fact]
    public void Should_Emit_The_Best_Layout_Of_A_Plan_On_The_Targets_Stack()
    {
        var outcome = Cli.Cli.Run("plan", Cli.Cli.Scenario("llama2-7b-64-a100.json"), "--top", "20", "--emit", "deepspeed");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Matches(@"^deepspeed: rank \d+ of the plan on the deepspeed stack, dp=", outcome.StdErr);
        using var config = JsonDocument.Parse(outcome.StdOut.Split("<<'JSON'")[1].Split("\nJSON")[0]);
        Assert.Equal(1024, config.RootElement.GetProperty("train_batch_size").GetInt32());
        Assert.Contains("deepspeed --num_nodes=8 --num_gpus=8 train.py --deepspeed --deepspeed_config ds_config.json", outcome.StdOut);
    }

    [Fact]
    public void Should_Split_Uneven_Stages_As_Torchtitan_Does()
    {
        // Llama 3 405B's 126 layers on 16 stages, one fewer on the first and last (Dubey et al. 2024): torchtitan's default split.
        var outcome = Cli.Cli.Run("simulate", Cli.Cli.Scenario("llama3-405b-16384-h100.json"), "--layout",
            "dp=128,tp=8,pp=16,sp=on,zero=3,recompute=full,firstStageLayers=7,lastStageLayers=7", "--emit", "torchtitan");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Contains("pipeline_parallel_layers_per_stage = 8", outcome.StdOut);
        Assert.Contains("pipeline_parallel_first_stage_less_layers = 1", outcome.StdOut);
        Assert.Contains("pipeline_parallel_last_stage_less_layers = 1", outcome.StdOut);
    }

    /// <summary>An option list of Tests/Export/Reference, without its comment lines.</summary>
    private static HashSet<string> Reference(string name) =>
        [.. File.ReadAllLines(Path.Combine(Here(), "Reference", name)).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    private static string Here([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [GeneratedRegex(@"--[a-z0-9-]+")]
    private static partial Regex MegatronOptions();

    /// <summary>section.key for every key = value line under a [section] header.</summary>
    private static List<string> TomlKeys(string toml)
    {
        var keys = new List<string>();
        string section = "";
        foreach (var line in toml.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (line.StartsWith('[')) section = line.Trim('[', ']');
            else keys.Add($"{section}.{line.Split('=')[0].Trim()}");
        }
        return keys;
    }

    /// <summary>Every key of a JSON object and of its nested objects; the documentation heads fp16's and bf16's fields as fp16:enabled (listed as fp16.enabled).</summary>
    private static IEnumerable<string> JsonKeys(JsonElement element, string parent)
    {
        foreach (var property in element.EnumerateObject())
        {
            yield return parent is "fp16" or "bf16" ? $"{parent}.{property.Name}" : property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
                foreach (var key in JsonKeys(property.Value, property.Name)) yield return key;
        }
    }
}
