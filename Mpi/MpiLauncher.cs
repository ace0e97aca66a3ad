using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace ScalePlanner.Mpi;

/// <summary>
/// Starts this same program under Open MPI's `mpirun` with N ranks. As root, mpirun needs --allow-run-as-root; with more
/// ranks than cores, --oversubscribe (Open MPI 4.1 mpirun(1)). On one machine each job keeps its session files under a
/// folder of its own (orte_tmpdir_base): jobs started side by side otherwise race to create and remove the shared session
/// folder and fail with "A call to mkdir was unable to create the desired directory" (open-mpi/ompi#8510). Across machines
/// (a hostfile) the ranks are placed K to a machine and mpirun's out-of-band keepalive is shortened (<see cref="Keepalive"/>).
/// </summary>
public static class MpiLauncher
{
    public static bool Available => FindOnPath("mpirun") is not null;

    /// <summary>The command that re-runs this program: the apphost itself, or `dotnet` with the entry assembly.</summary>
    public static (string FileName, string[] Prefix) Self()
    {
        string process = Environment.ProcessPath ?? throw new MpiException("cannot tell which program is running");
        bool viaDotnet = Path.GetFileNameWithoutExtension(process) == "dotnet";
        return viaDotnet ? (process, [Assembly.GetEntryAssembly()!.Location]) : (process, []);
    }

    /// <param name="nodes">Machines from a hostfile and how many consecutive ranks each takes (null: this machine alone).</param>
    /// <param name="sessionFolder">Folder for this job's session files on one machine (ignored across machines).</param>
    public static ProcessStartInfo Command(int ranks, IEnumerable<string> arguments, Machines? nodes = null, string? sessionFolder = null)
    {
        string mpirun = FindOnPath("mpirun") ?? throw new MpiException("mpirun is not installed: run tools/install-prerequisites.sh (Debian: apt-get install openmpi-bin)");
        var start = new ProcessStartInfo(mpirun) { UseShellExecute = false };
        if (Environment.UserName == "root") start.ArgumentList.Add("--allow-run-as-root");
        if (nodes is null && ranks > Environment.ProcessorCount) start.ArgumentList.Add("--oversubscribe");
        if (nodes is not null) Across(start, nodes);
        else if (sessionFolder is not null) Mca(start, "orte_tmpdir_base", sessionFolder);
        foreach (string variable in Forwarded.Where(v => Environment.GetEnvironmentVariable(v) is not null))
        {
            start.ArgumentList.Add("-x");
            start.ArgumentList.Add(variable);   // ranks on other machines get it too: ssh does not pass the environment (mpirun(1), -x)
        }
        start.ArgumentList.Add("-np");
        start.ArgumentList.Add(ranks.ToString(CultureInfo.InvariantCulture));
        var (fileName, prefix) = Self();
        start.ArgumentList.Add(fileName);
        foreach (var argument in prefix.Concat(arguments)) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>
    /// Variables the ranks need wherever they run: the OpenMP wait policy (<see cref="SharedCores"/>), where .NET lives for the
    /// `dotnet` host, and plain output.
    /// </summary>
    private static readonly string[] Forwarded = [SharedCores.Variable, "DOTNET_ROOT", "NO_COLOR"];

    /// <summary>
    /// Out-of-band TCP keepalive between mpirun and its daemons (Open MPI 4.1 oob_tcp_keepalive_time/intvl/probes, seconds and
    /// count, as Linux tcp(7) TCP_KEEPIDLE/KEEPINTVL/KEEPCNT): a machine that goes silent is declared lost after about
    /// 5 + 3 × 2 = 11 s. Open MPI's default (300 s idle) left a job with a dead link hanging past 120 s (tools/emulated-nodes.md).
    /// </summary>
    public static readonly (string Name, int Value)[] Keepalive = [("oob_tcp_keepalive_time", 5), ("oob_tcp_keepalive_intvl", 2), ("oob_tcp_keepalive_probes", 3)];

    /// <summary>Across machines: the hostfile, `ppr:K:node` placement (K consecutive ranks per machine, in file order) and the keepalive.</summary>
    private static void Across(ProcessStartInfo start, Machines nodes)
    {
        start.ArgumentList.Add("--hostfile");
        start.ArgumentList.Add(nodes.Hostfile.Path);
        start.ArgumentList.Add("--map-by");
        start.ArgumentList.Add($"ppr:{nodes.PerNode}:node");
        foreach (var (name, value) in Keepalive) Mca(start, name, value.ToString(CultureInfo.InvariantCulture));
    }

    private static void Mca(ProcessStartInfo start, string name, string value)
    {
        start.ArgumentList.Add("--mca");
        start.ArgumentList.Add(name);
        start.ArgumentList.Add(value);
    }

    /// <summary>Runs this same command line (plus <paramref name="extra"/>) as N ranks under mpirun: see <see cref="Run"/>.</summary>
    public static MpiOutcome RunSelf(int ranks, Machines? nodes = null, IEnumerable<string>? extra = null) =>
        Run(ranks, [.. Environment.GetCommandLineArgs().Skip(1), .. extra ?? []], nodes);

    /// <summary>
    /// Runs N ranks to completion, passing their output through, and reads mpirun's own report of the first rank that died or
    /// exited with an error, or of a machine it lost (<see cref="MpirunFailureReport"/>), so the caller can name it.
    /// </summary>
    public static MpiOutcome Run(int ranks, IEnumerable<string> arguments, Machines? nodes = null)
    {
        if (nodes is not null) return Run(Command(ranks, arguments, nodes), nodes.Hostfile.Placement(ranks, nodes.PerNode));
        string session = Directory.CreateTempSubdirectory("scaleplan-mpi-").FullName;
        try
        {
            return Run(Command(ranks, arguments, sessionFolder: session), []);
        }
        finally
        {
            Directory.Delete(session, recursive: true);
        }
    }

    private static MpiOutcome Run(ProcessStartInfo start, IReadOnlyList<(Hostfile.Host Host, int[] Ranks)> placement)
    {
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new MpiException("mpirun did not start");
        var report = new MpirunFailureReport();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            Console.Error.WriteLine(line.Data);
            report.Read(line.Data);
        };
        process.BeginErrorReadLine();
        bool stopped = MpirunWatchdog.Wait(process, () => report.Failed);
        process.WaitForExit();   // without a timeout this also waits for the redirected stream to end
        string? failed = report.LostNode is { } node ? Lost(node, placement) : report.FailedRank;
        if (stopped) failed = $"{failed ?? "mpirun reported a failure"}, and mpirun did not end by itself within {MpirunWatchdog.GraceSeconds} s, so it was killed";
        return new MpiOutcome(process.ExitCode, process.ExitCode == 0 ? null : failed);
    }

    /// <summary>"node HOST (ranks 2, 3) was lost: ..." with the ranks the placement put there.</summary>
    private static string Lost(string node, IReadOnlyList<(Hostfile.Host Host, int[] Ranks)> placement)
    {
        int[] ranks = placement.FirstOrDefault(p => p.Host.Name == node).Ranks ?? [];
        string which = ranks.Length == 0 ? "" : $" ({(ranks.Length == 1 ? "rank" : "ranks")} {string.Join(", ", ranks)})";
        return $"node {node}{which} was lost: mpirun lost contact with its daemon (its processes died, or its network link went silent)";
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
