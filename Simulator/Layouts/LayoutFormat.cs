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
                "dp" => layout with { Dp = Int(key, value) },
                "tp" => layout with { Tp = Int(key, value) },
                "pp" => layout with { Pp = Int(key, value) },
                "vp" => layout with { Vp = Int(key, value) },
                "cp" => layout with { Cp = Int(key, value) },
                "sp" => layout with { Sp = Bool(key, value) },
                "mb" => layout with { MicroBatch = Int(key, value) },
                "zero" => value == "hybrid" ? layout with { Zero = 3, HybridShard = true } : layout with { Zero = Int(key, value) },
                "recompute" => layout with { Recompute = Enum(key, value, System.Enum.GetValues<RecomputeMode>(), Name) },
                "precision" => layout with { Precision = Enum(key, value, PrecisionFacts.All, p => p.Key()) },
                "optimizer" => layout with { Optimizer = Enum(key, value, System.Enum.GetValues<OptimizerKind>(), Name) },
                "schedule" => layout with { Schedule = Enum(key, value, System.Enum.GetValues<PipelineSchedule>(), Name) },
                "compress" => layout with { Compression = Compression(value) },
                "overlap" => layout with { Overlap = Bool(key, value) },
                "firststagelayers" => layout with { FirstStageLayers = Int("firstStageLayers", value) },
                "laststagelayers" => layout with { LastStageLayers = Int("lastStageLayers", value) },
                "recomputelayers" => layout with { RecomputeLayers = Int("recomputeLayers", value) },
                "ep" => layout with { Ep = Int(key, value) },
                "etp" => layout with { Etp = Int(key, value) },
                _ => throw new SpecException("layout", $"unknown key '{key}'; allowed: {string.Join(' ', Keys)}"),
            };
            scheduleGiven |= key == "schedule";
        }
        if (!scheduleGiven && layout.Vp > 1) layout = layout with { Schedule = PipelineSchedule.Interleaved };
        return layout;
    }

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 0
            ? v
            : throw new SpecException($"layout.{key}", $"must be a non-negative integer, got '{value}'");

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
            && int.TryParse(value["powersgd:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int rank) && rank > 0)
            return new(CompressionKind.PowerSgd, rank);
        throw new SpecException("layout.compress", $"unknown value '{value}'; allowed: none bf16 powersgd:RANK (RANK a positive integer)");
    }
}
