using System.Globalization;
using System.Text.RegularExpressions;

namespace ScalePlanner.Mpi;

/// <summary>
/// An Open MPI hostfile (mpirun(1), "Specifying Host Nodes"): one machine per line, `HOST [slots=N] [max_slots=M]`, `#`
/// comments. This program places its ranks on the machines in the file's order, <c>perNode</c> consecutive ranks on each
/// (`--map-by ppr:K:node`), the order the cost model assumes (tp innermost, then cp, dp, pp: the first ranks share a node).
/// </summary>
public sealed partial class Hostfile
{
    public sealed record Host(string Name, int Slots);

    public string Path { get; }
    public IReadOnlyList<Host> Hosts { get; }

    private Hostfile(string path, IReadOnlyList<Host> hosts) => (Path, Hosts) = (path, hosts);

    /// <summary>Reads the file; a line that is not `HOST [slots=N]` stops with <see cref="HostfileException"/> naming it.</summary>
    public static Hostfile Read(string path)
    {
        if (!File.Exists(path)) throw new HostfileException($"no such file '{path}'");
        var hosts = new List<Host>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var match = Line().Match(line);
            if (!match.Success)
                throw new HostfileException($"line {i + 1} of '{path}' is '{line}'; allowed: HOST [slots=N] [max_slots=M] with N, M positive integers");
            // A host without slots= counts one slot here (Open MPI would count its cores, which this machine cannot see).
            int slots = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 1;
            if (slots < 1) throw new HostfileException($"line {i + 1} of '{path}': slots must be at least 1, got {slots}");
            hosts.Add(new Host(match.Groups[1].Value, slots));
        }
        if (hosts.Count == 0) throw new HostfileException($"'{path}' names no host; allowed: one 'HOST slots=N' per line");
        return new Hostfile(path, hosts);
    }

    /// <summary>Slots of all machines together.</summary>
    public int Slots => Hosts.Sum(h => h.Slots);

    /// <summary>
    /// Which world ranks run on which machine when <paramref name="ranks"/> ranks are placed <paramref name="perNode"/> to a
    /// machine in file order; refused with a line saying what is short when the file's machines cannot hold them.
    /// </summary>
    public IReadOnlyList<(Host Host, int[] Ranks)> Placement(int ranks, int perNode)
    {
        if (perNode < 1) throw new HostfileException($"ranks per machine must be at least 1, got {perNode}");
        int machines = (ranks + perNode - 1) / perNode;
        if (machines > Hosts.Count)
            throw new HostfileException($"{ranks} ranks at {perNode} per machine need {machines} machines; '{Path}' lists {Hosts.Count}");
        var tooSmall = Hosts.Take(machines).FirstOrDefault(h => h.Slots < perNode);
        if (tooSmall is not null)
            throw new HostfileException($"{perNode} ranks per machine, but '{Path}' gives {tooSmall.Name} {tooSmall.Slots} slot(s)");
        return [.. Hosts.Take(machines).Select((host, node) => (host, Enumerable.Range(node * perNode, Math.Min(perNode, ranks - node * perNode)).ToArray()))];
    }

    [GeneratedRegex(@"^(\S+)(?:\s+slots\s*=\s*(\d+))?(?:\s+max[-_]slots\s*=\s*\d+)?$")]
    private static partial Regex Line();
}
