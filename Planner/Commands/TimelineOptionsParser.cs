using System.CommandLine;
using System.Globalization;
using ScalePlanner.Simulator.Specs;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Planner.Commands;

/// <summary>The options that steer the event-driven timeline (`--bucket-mb`, `--straggler`, `--slow-node`), read by simulate.</summary>
public sealed class TimelineOptionsParser
{
    public Option<double?> BucketMegabytes { get; } = new("--bucket-mb") { Description = "Gradient bucket size in MB for the timeline (default 25, PyTorch DDP's)." };

    public Option<string[]> Stragglers { get; } = new("--straggler") { Description = "A slow device for the timeline: DEVICE=FACTOR, e.g. 17=1.2 (repeat or comma-separate).", Arity = ArgumentArity.ZeroOrMore };

    public Option<string[]> SlowNodes { get; } = new("--slow-node") { Description = "A slow node for the timeline: NODE=FACTOR, e.g. 3=1.1 (repeat or comma-separate).", Arity = ArgumentArity.ZeroOrMore };

    public IEnumerable<Option> All => [BucketMegabytes, Stragglers, SlowNodes];

    /// <summary>Whether any of these options was given (they mean nothing without the timeline).</summary>
    public bool AnyGiven(ParseResult parse) =>
        parse.GetValue(BucketMegabytes) is not null || parse.GetValue(Stragglers) is { Length: > 0 } || parse.GetValue(SlowNodes) is { Length: > 0 };

    public TimelineOptions Read(ParseResult parse, bool recordEvents)
    {
        var options = new TimelineOptions { RecordEvents = recordEvents };
        if (parse.GetValue(BucketMegabytes) is { } megabytes)
            options = options with { BucketBytes = Guard.Positive("--bucket-mb", megabytes) * 1e6 };
        return options with { SlowDevices = Slowdowns("--straggler", "DEVICE", parse.GetValue(Stragglers)), SlowNodes = Slowdowns("--slow-node", "NODE", parse.GetValue(SlowNodes)) };
    }

    private static List<Slowdown> Slowdowns(string option, string what, string[]? values)
    {
        var list = new List<Slowdown>();
        foreach (var item in (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var parts = item.Split('=');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int index)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double factor))
                throw new SpecException(option, $"expected {what}=FACTOR such as 17=1.2, got '{item}'");
            list.Add(new Slowdown(index, factor));
        }
        return list;
    }
}
