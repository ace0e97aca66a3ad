using System.Diagnostics;

namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// Two "machines" on this one (tools/emulated-nodes.sh: a network namespace each, a shaped veth link, a hostfile and the rsh
/// agent), brought up once for the tests of the <see cref="EmulatedNodesCollection"/> and taken down after them. Where the
/// machine gives no right to make network namespaces (not root, or a container without CAP_NET_ADMIN) the tests are reported
/// skipped with <see cref="Unavailable"/> as the reason; any other failure to bring the nodes up fails them.
/// </summary>
public sealed class EmulatedNodes : IDisposable
{
    public const int Nodes = 2;

    /// <summary>Link rate of the tests' nodes: 1 Gbit/s, the faster of the two the benchmark measures (bench/multi-node.sh).</summary>
    public const string LinkGbps = "1";

    public const string RunFolder = "/run/scaleplan-nodes";
    public static readonly string Hostfile = Path.Combine(RunFolder, "hostfile");

    /// <summary>Why the nodes cannot be made here (shown as the skip reason), or null when they are up.</summary>
    public string? Unavailable { get; }

    private readonly string script;

    public EmulatedNodes()
    {
        script = Path.Combine(Root(), "tools", "emulated-nodes.sh");
        Unavailable = NamespaceRights();
        if (Unavailable is not null)
        {
            Console.WriteLine($"emulated-nodes tests skipped: {Unavailable}");
            return;
        }
        var up = Shell(script, "up", $"{Nodes}", "--link-gbps", LinkGbps, "--slots", "2");
        if (up.Exit != 0) throw new InvalidOperationException($"tools/emulated-nodes.sh up failed although this machine allows network namespaces: {up.Output}");
    }

    /// <summary>The environment `execute` runs with: the emulation's MCA parameters, and daemons that get only what ssh would give them.</summary>
    public static Dictionary<string, string?> Environment { get; } = new()
    {
        ["OMPI_MCA_mca_base_param_files"] = Path.Combine(RunFolder, "mca-params.conf"),
        ["SCALEPLAN_NODES_SSH_ENV"] = "1",   // catches a launcher that forgets to forward a variable with mpirun -x
    };

    /// <summary>The address the hostfile gives node <paramref name="node"/> (tools/emulated-nodes.md: 10.213.7.(10 + I)).</summary>
    public static string Address(int node) => File.ReadAllLines(Hostfile)[node].Split(' ')[0];

    /// <summary>Process ids inside node <paramref name="node"/>'s namespace (its daemon and ranks).</summary>
    public static int[] Processes(int node) =>
        [.. Shell("ip", "netns", "pids", $"spnode{node}").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];

    /// <summary>SIGKILL to everything running on node <paramref name="node"/>: the machine dies, its link stays up.</summary>
    public static void KillAll(int node)
    {
        foreach (int pid in Processes(node))
        {
            try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }   // gone already
        }
    }

    /// <summary>Node <paramref name="node"/>'s link drops every packet (true) or passes them again (false).</summary>
    public void Drop(int node, bool drop)
    {
        var result = Shell(script, drop ? "drop" : "undrop", $"{node}");
        Assert.True(result.Exit == 0, result.Output);
    }

    public void Dispose()
    {
        if (Unavailable is null) Shell(script, "down");
    }

    /// <summary>Null when this process may create network namespaces (checked by making a throw-away one), else why not.</summary>
    private static string? NamespaceRights()
    {
        if (!OperatingSystem.IsLinux()) return "emulated nodes need Linux network namespaces";
        if (System.Environment.UserName != "root") return "emulated nodes need root (network namespaces, veth links and tc need CAP_NET_ADMIN); run the tests as root to include them";
        var probe = Shell("unshare", "--net", "true");
        return probe.Exit == 0 ? null : $"this machine refuses a new network namespace (unshare --net: {probe.Output.Trim()}): emulated nodes cannot run here";
    }

    private static string Root()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ScalePlanner.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("ScalePlanner.sln not found above the test binaries");
    }

    public static (int Exit, string Output) Shell(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}

/// <summary>The tests that share the emulated nodes run one at a time (they kill nodes and cut links).</summary>
[CollectionDefinition(Name)]
public sealed class EmulatedNodesCollection : ICollectionFixture<EmulatedNodes>
{
    public const string Name = "emulated nodes";
}
