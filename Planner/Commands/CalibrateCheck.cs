using ScalePlanner.Calibration.Validation;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Commands;

/// <summary>`calibrate --check PROFILE`: exit code 0 when the profile still describes this machine, 1 when it does not (2, as everywhere, for bad input).</summary>
public static class CalibrateCheck
{
    public const int Failed = 1;

    public static int Run(string profilePath, string device, int ranks)
    {
        if (ranks != 1) throw new SpecException("--ranks", $"--check re-measures in one process; allowed with --check: 1, got {ranks}");
        if (!File.Exists(profilePath)) throw new SpecException("--check", $"file '{profilePath}' does not exist; give a profile JSON that calibrate wrote");
        var profile = DeviceProfileJson.Load(profilePath);
        var result = ProfileCheck.Run(profile, device, line => Console.Error.WriteLine(line));
        if (result.Machine is { Busy: true } machine) Console.Error.WriteLine(machine.Summary("checking", "the verdict is unreliable; check again on a quiet machine"));
        Console.WriteLine(result.Verdict());
        return result.Passed ? 0 : Failed;
    }
}
