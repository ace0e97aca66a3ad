using FsCheck;
using FsCheck.Fluent;

namespace ScalePlanner.Tests.Fuzz;

/// <summary>One generated layout string for one of the valid base scenarios.</summary>
public sealed record LayoutCase(int Base, string Layout)
{
    public override string ToString() => $"base {Base}: --layout \"{Layout}\"";
}

/// <summary>
/// Layout strings: every key with valid and awkward values (zero, negative, beyond the device count, non-numeric, out of
/// range), keys repeated or unknown, and often a degree split that fills the base scenario's devices, so that valid layouts
/// reach the cost model too.
/// </summary>
public static class LayoutFuzz
{
    private static readonly Dictionary<string, string[]> Values = new()
    {
        ["dp"] = ["1", "2", "4", "8", "0", "-1", "3", "16", "2097152", "2097153", "99999999999", "x", ""],
        ["tp"] = ["1", "2", "4", "8", "0", "3", "1048576"],
        ["pp"] = ["1", "2", "4", "0", "3", "100"],
        ["vp"] = ["1", "2", "3", "0"],
        ["cp"] = ["1", "2", "4", "0", "7"],
        ["sp"] = ["on", "off", "1", "yes"],
        ["mb"] = ["1", "2", "4", "8", "0", "3", "16777216", "16777217"],
        ["zero"] = ["0", "1", "2", "3", "4", "7", "-1", "hybrid", "one"],
        ["recompute"] = ["none", "selective", "full", "ops", "some"],
        ["precision"] = ["fp32", "tf32", "fp16", "bf16", "fp8", "fp64"],
        ["optimizer"] = ["sgd", "adam", "adamw", "lamb", "adafactor", "rmsprop"],
        ["schedule"] = ["gpipe", "1f1b", "interleaved", "zb"],
        ["compress"] = ["none", "bf16", "powersgd:1", "powersgd:4", "powersgd:0", "powersgd:1000000", "powersgd:x", "fp8"],
        ["overlap"] = ["on", "off", "maybe"],
        ["firstStageLayers"] = ["0", "1", "2", "5", "-1", "20000"],
        ["lastStageLayers"] = ["0", "1", "3", "-2"],
        ["recomputeLayers"] = ["0", "1", "2", "10001"],
    };

    /// <summary>Splits that fill the bases' devices (8, 8, and 8 or 16 or 2).</summary>
    private static readonly string[] Fills = ["dp=8", "dp=4,tp=2", "dp=2,tp=2,pp=2", "dp=1,tp=8", "dp=2,pp=4", "dp=2,cp=4", "dp=16", "dp=2", "dp=1,pp=2,vp=2"];

    private static readonly Gen<string> Pairs =
        from key in Gen.Elements(Values.Keys.Concat(["DP", "Tp", "bogus"]).ToArray())
        from value in Gen.Elements(Values.TryGetValue(key, out var values) ? values : ["1"])
        select $"{key}={value}";

    public static readonly Gen<LayoutCase> Cases =
        from b in Gen.Choose(0, ScenarioFuzz.Bases.Length - 1)
        from fill in Gen.Frequency((3, Gen.Elements(Fills)), (1, Gen.Constant("")))
        from count in Gen.Choose(0, 4)
        from pairs in Gen.ArrayOf(Pairs, count)
        from odd in Gen.Frequency((12, Gen.Constant("")), (1, Gen.Elements(",", "dp", "=", " , ", "dp==2", "dp=1,dp=2")))
        select new LayoutCase(b, string.Join(",", new[] { fill }.Concat(pairs).Where(p => p.Length > 0)) + odd);
}
