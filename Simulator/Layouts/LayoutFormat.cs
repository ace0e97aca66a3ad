using System.Globalization;
using System.Text;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Layouts;

/// <summary>The layout string: comma-separated key=value; omitted keys take the defaults of <see cref="Layout"/>; printing writes every key in canonical order.</summary>
public static class LayoutFormat
{
    public static readonly string[] Keys = ["dp", "tp", "pp", "vp", "cp", "sp", "mb", "zero", "recompute", "precision", "optimizer", "schedule", "compress", "overlap", "firstStageLayers", "lastStageLayers", "recomputeLayers", "ep", "etp"];

    public static string Format(Layout l)
    {
        var sb = new StringBuilder(160);
        sb.Append("dp=").Append(l.Dp).Append(",tp=").Append(l.Tp).Append(",pp=").Append(l.Pp).Append(",vp=").Append(l.Vp)
          .Append(",cp=").Append(l.Cp).Append(",sp=").Append(OnOff(l.Sp)).Append(",mb=").Append(l.MicroBatch)
          .Append(",zero=").Append(l.HybridShard ? "hybrid" : l.Zero.ToString(CultureInfo.InvariantCulture)).Append(",recompute=").Append(Name(l.Recompute))
          .Append(",precision=").Append(l.Precision.Key()).Append(",optimizer=").Append(Name(l.Optimizer))
          .Append(",schedule=").Append(Name(l.Schedule)).Append(",compress=").Append(l.Compression)
          .Append(",overlap=").Append(OnOff(l.Overlap));
        // Keys added after the first contract are written only when they differ from their default, so earlier strings print as before.
        if (l.FirstStageLayers > 0) sb.Append(",firstStageLayers=").Append(l.FirstStageLayers);
        if (l.LastStageLayers > 0) sb.Append(",lastStageLayers=").Append(l.LastStageLayers);
        if (l.RecomputeLayers > 0) sb.Append(",recomputeLayers=").Append(l.RecomputeLayers);
        if (l.Ep > 1) sb.Append(",ep=").Append(l.Ep);
        if (l.Etp > 1) sb.Append(",etp=").Append(l.Etp);
        return sb.ToString();
    }

    public static string Name(RecomputeMode r) => r.ToString().ToLowerInvariant();

    public static string Name(OptimizerKind o) => o.ToString().ToLowerInvariant();

    public static string Name(PipelineSchedule s) => s switch
    {
        PipelineSchedule.GPipe => "gpipe",
        PipelineSchedule.OneFOneB => "1f1b",
        _ => "interleaved",
    };

    private static string OnOff(bool b) => b ? "on" : "off";

    public static Layout Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new SpecException("layout", $"is empty; write key=value pairs with keys {string.Join(' ', Keys)}");
        var layout = new Layout();
        var seen = new HashSet<string>();
        bool scheduleGiven = false;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new SpecException("layout", $"'{part}' is not key=value; keys: {string.Join(' ', Keys)}");
            string key = part[..eq].Trim().ToLowerInvariant(), value = part[(eq + 1)..].Trim().ToLowerInvariant();
            if (!seen.Add(key)) throw new SpecException($"layout.{key}", "is given twice");
            layout = key switch
            {
                "dp" => layout with { Dp = Int(key, value, Limits.Degree) },
                "tp" => layout with { Tp = Int(key, value, Limits.Degree) },
                "pp" => layout with { Pp = Int(key, value, Limits.Degree) },
                "vp" => layout with { Vp = Int(key, value, Limits.Degree) },
                "cp" => layout with { Cp = Int(key, value, Limits.Degree) },
                "sp" => layout with { Sp = Bool(key, value) },
                "mb" => layout with { MicroBatch = Int(key, value, Limits.MicroBatch) },
                "zero" => value == "hybrid" ? layout with { Zero = 3, HybridShard = true } : layout with { Zero = Zero(value) },
                "recompute" => layout with { Recompute = Enum(key, value, System.Enum.GetValues<RecomputeMode>(), Name) },
                "precision" => layout with { Precision = Enum(key, value, PrecisionFacts.All, p => p.Key()) },
                "optimizer" => layout with { Optimizer = Enum(key, value, System.Enum.GetValues<OptimizerKind>(), Name) },
                "schedule" => layout with { Schedule = Enum(key, value, System.Enum.GetValues<PipelineSchedule>(), Name) },
                "compress" => layout with { Compression = Compression(value) },
                "overlap" => layout with { Overlap = Bool(key, value) },
                "firststagelayers" => layout with { FirstStageLayers = Int("firstStageLayers", value, Limits.StageLayers) },
                "laststagelayers" => layout with { LastStageLayers = Int("lastStageLayers", value, Limits.StageLayers) },
                "recomputelayers" => layout with { RecomputeLayers = Int("recomputeLayers", value, Limits.StageLayers) },
                "ep" => layout with { Ep = Int(key, value, Limits.Degree) },
                "etp" => layout with { Etp = Int(key, value, Limits.Degree) },
                _ => throw new SpecException("layout", $"unknown key '{key}'; allowed: {string.Join(' ', Keys)}"),
            };
            scheduleGiven |= key == "schedule";
        }
        if (!scheduleGiven && layout.Vp > 1) layout = layout with { Schedule = PipelineSchedule.Interleaved };
        long devices = (long)layout.Dp * layout.Tp * layout.Pp * layout.Cp;   // each ≤ 2²¹, so the product fits a long
        if (devices > Limits.MaxDevices)
            throw new SpecException("layout", $"dp·tp·pp·cp = {Limits.Number(devices)} devices, more than {Limits.Number(Limits.MaxDevices)}");
        return layout;
    }

    private static int Int(string key, string value, IntRange range) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long v)
            ? range.Check($"layout.{key}", v)
            : throw new SpecException($"layout.{key}", $"must be {range.Describe()}, got '{value}'");

    /// <summary>ZeRO stages 0–3 (Rajbhandari et al. SC20: optimizer states, gradients, parameters), or hybrid.</summary>
    private static int Zero(string value) =>
        value is "0" or "1" or "2" or "3" ? value[0] - '0' : throw new SpecException("layout.zero", $"must be 0, 1, 2, 3 or hybrid, got '{value}'");

    private static bool Bool(string key, string value) => value switch
    {
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw new SpecException($"layout.{key}", $"must be on or off, got '{value}'"),
    };

    private static T Enum<T>(string key, string value, IEnumerable<T> options, Func<T, string> name)
    {
        foreach (var option in options)
        {
            if (name(option) == value) return option;
        }
        throw new SpecException($"layout.{key}", $"unknown value '{value}'; allowed: {string.Join(' ', options.Select(name))}");
    }

    private static GradientCompression Compression(string value)
    {
        if (value == "none") return GradientCompression.None;
        if (value == "bf16") return new(CompressionKind.Bf16, 0);
        if (value.StartsWith("powersgd:", StringComparison.Ordinal)
            && long.TryParse(value["powersgd:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long rank) && rank > 0 && rank <= Limits.Hidden.Max)
            return new(CompressionKind.PowerSgd, (int)rank);
        throw new SpecException("layout.compress", $"unknown value '{value}'; allowed: none bf16 powersgd:RANK (RANK from 1 to {Limits.Number(Limits.Hidden.Max)}, below the model's smallest weight-matrix dimension)");
    }
}
