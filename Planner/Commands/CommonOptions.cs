using System.CommandLine;

namespace ScalePlanner.Planner.Commands;

/// <summary>Options shared by several commands.</summary>
public static class CommonOptions
{
    public static Option<string?> Profile() => new("--profile") { Description = "Device profile JSON (from `scaleplan calibrate`); default: the accelerator's catalog profile." };

    public static Simulator.Profiles.DeviceProfile? LoadProfile(string? path) => path is null ? null : Simulator.Profiles.DeviceProfileJson.Load(path);

    public static Option<string> Format(params string[] allowed)
    {
        var option = new Option<string>("--format") { Description = $"Output format: {string.Join('|', allowed)}.", DefaultValueFactory = _ => allowed[0] };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <summary>Every command prints each file it wrote, one per line, on stderr (stdout stays the command's result).</summary>
    public static void PrintWritten(IEnumerable<string> paths)
    {
        foreach (var path in paths) Console.Error.WriteLine($"wrote {path}");
    }
}
