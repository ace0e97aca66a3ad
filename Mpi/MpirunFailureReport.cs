using System.Text.RegularExpressions;

namespace ScalePlanner.Mpi;

/// <summary>
/// Reads mpirun's standard error line by line for its report of the first failed rank. The message texts are Open MPI 4.1's
/// (orte/tools/orterun help texts): "mpirun noticed that process rank R with PID P on node N exited on signal S (NAME)." for a
/// rank that was killed, and "Process name: [[JOB,1],R]" followed by "Exit code: C" for a rank that exited with an error; and
/// for a machine whose daemon it lost (all its processes killed, or its link dead past the out-of-band keepalive), "ORTE has
/// lost communication with a remote daemon." followed by "Remote daemon: [[JOB,0],D] on node HOST".
/// </summary>
public sealed partial class MpirunFailureReport
{
    private int? exitedRank;

    /// <summary>The first failed rank in words, or null while mpirun has named none.</summary>
    public string? FailedRank { get; private set; }

    /// <summary>The machine (as the hostfile names it) whose daemon mpirun lost, or null.</summary>
    public string? LostNode { get; private set; }

    /// <summary>True once mpirun has reported a failure of any kind: the job is ending.</summary>
    public bool Failed => FailedRank is not null || LostNode is not null;

    public void Read(string line)
    {
        if (LostNode is null && LostDaemon().Match(line) is { Success: true } lost) LostNode = lost.Groups[1].Value;
        if (FailedRank is not null) return;
        if (Signalled().Match(line) is { Success: true } signal)
            FailedRank = $"rank {signal.Groups[1].Value} on node {signal.Groups[2].Value} died on signal {signal.Groups[3].Value} ({signal.Groups[4].Value})";
        else if (ProcessName().Match(line) is { Success: true } name)
            exitedRank = int.Parse(name.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        else if (exitedRank is { } rank && ExitCode().Match(line) is { Success: true } code)
            FailedRank = $"rank {rank} exited with code {code.Groups[1].Value}";
    }

    [GeneratedRegex(@"process rank (\d+) with PID \d+ on node (\S+) exited on signal (\d+) \(([^)]*)\)")]
    private static partial Regex Signalled();

    [GeneratedRegex(@"Remote daemon:\s*\[\[\d+,\d+\],\d+\] on node (\S+)")]
    private static partial Regex LostDaemon();

    [GeneratedRegex(@"Process name: \[\[\d+,\d+\],(\d+)\]")]
    private static partial Regex ProcessName();

    [GeneratedRegex(@"Exit code:\s+(\d+)")]
    private static partial Regex ExitCode();
}
