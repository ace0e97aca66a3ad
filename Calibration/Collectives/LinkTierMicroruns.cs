using System.Text;
using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Collectives;

/// <summary>
/// `calibrate --hostfile`: the collective microruns on the hostfile's machines, one tier at a time. Every machine takes K
/// ranks (K = the fewest slots any machine offers). Inside a machine the K ranks of each machine form one group, all machines
/// measuring at once; across machines the ranks with the same place on their machine form one group, all K groups measuring at
/// once, so a machine's K devices share its link as the data-parallel groups of a tp=K run do: the inter-node figure is
/// bandwidth per device, the cost model's unit. With one slot per machine the tier inside a machine is measured on this one.
/// </summary>
public static class LinkTierMicroruns
{
    /// <summary>The worker command's flag that selects this measurement.</summary>
    public const string Flag = "--across-machines";

    /// <summary>
    /// Message sizes across machines: 4 KiB to 16 MiB quick (64 MiB full). Smaller than inside a machine: at 200 Mbit/s a
    /// 64 MiB all-reduce alone takes 2.7 s per repetition, and 16 MiB (0.7 s) is already well into the bandwidth-bound range.
    /// The small sizes give the latency term (this kernel has no netem, so the emulated links add none of their own).
    /// </summary>
    public static long[] Sizes(bool quick) => quick
        ? [4 << 10, 64 << 10, 1 << 20, 4 << 20, 16 << 20]
        : [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20];

    public static IReadOnlyList<CollectiveMeasurement> Measure(Hostfile hostfile, bool quick, Action<string> progress)
    {
        if (hostfile.Hosts.Count < 2) throw new HostfileException($"'{hostfile.Path}' lists one machine; the link between machines needs at least 2");
        int perNode = hostfile.Hosts.Min(h => h.Slots);
        int ranks = perNode * hostfile.Hosts.Count;
        var folder = Directory.CreateTempSubdirectory("scaleplan-link-tiers-");
        try
        {
            string file = Path.Combine(folder.FullName, "collectives.json");
            progress($"collectives across machines: {hostfile.Hosts.Count} machines × {perNode} ranks from {hostfile.Path} under mpirun; inside a machine {(perNode > 1 ? "on the same machines" : "on this one (one slot per machine)")}");
            var outcome = MpiLauncher.Run(ranks, [CollectiveMicroruns.WorkerCommand, "--out", file, Flag, .. quick ? new[] { "--quick" } : []], new Machines(hostfile, perNode));
            if (outcome.ExitCode != 0 || !File.Exists(file))
                throw new MpiException($"the collective microruns across machines failed: {outcome.FailedRank ?? $"mpirun exited with code {outcome.ExitCode}"}");
            var measured = CollectivesFile.Read(file);
            var inside = perNode > 1 ? [] : CollectiveMicroruns.Measure(quick, progress);
            progress($"collectives: {measured.Count(m => m.InterNode)} measurements across machines, {measured.Count(m => !m.InterNode) + inside.Count} inside one");
            return [.. inside, .. measured];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>One rank under mpirun: finds its machine and place, measures inside its machine (K > 1), then across; rank 0 writes <paramref name="output"/>.</summary>
    public static void RunWorker(OpenMpi mpi, string output, bool quick)
    {
        long[] hosts = mpi.AllGather(HostKey(Environment.MachineName), mpi.Size, mpi.World);
        long[] machines = [.. hosts.Distinct()];                            // in order of first appearance: machine 0 holds rank 0
        int machine = Array.IndexOf(machines, hosts[mpi.Rank]);
        int place = hosts.Take(mpi.Rank).Count(h => h == hosts[mpi.Rank]);   // this rank's place among its machine's ranks
        int perMachine = hosts.Count(h => h == hosts[mpi.Rank]);
        if (hosts.Distinct().Any(h => hosts.Count(x => x == h) != perMachine))
            throw new MpiException("the machines got different numbers of ranks; give every machine of the hostfile the same slots");
        var results = new List<CollectiveMeasurement>();
        if (perMachine > 1)
        {
            var inside = new CollectiveBenchmark.Group(mpi.Split(mpi.World, color: machine, key: place), place, perMachine);
            results.AddRange(CollectiveBenchmark.Run(mpi, inside, CollectiveMicroruns.Sizes(quick), CollectiveMicroruns.Warmups, CollectiveMicroruns.Repetitions(quick)));
        }
        var across = new CollectiveBenchmark.Group(mpi.Split(mpi.World, color: place, key: machine), machine, machines.Length, InterNode: true);
        results.AddRange(CollectiveBenchmark.Run(mpi, across, Sizes(quick), CollectiveMicroruns.Warmups, CollectiveMicroruns.Repetitions(quick)));
        if (mpi.Rank == 0) CollectivesFile.Write(output, results);   // rank 0 is place 0 on machine 0: a member of both groups it reports
    }

    /// <summary>A 64-bit FNV-1a hash of the host name (Fowler, Noll and Vo; the same on every machine, unlike string.GetHashCode).</summary>
    private static long HostKey(string host)
    {
        ulong hash = 14695981039346656037;   // FNV-1a 64-bit offset basis
        foreach (byte b in Encoding.UTF8.GetBytes(host)) hash = (hash ^ b) * 1099511628211;   // FNV-1a 64-bit prime
        return unchecked((long)hash);
    }
}
