using TorchSharp.Modules;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// How a rank's parameters are partitioned over the replicas for ZeRO: every unit of every chunk, in forward order, laid out in
/// one <see cref="FlatShard"/>, except a tied embedding shared with the other end of the pipeline, which forms a partition of its
/// own on both stages, so the two copies' blocks line up. Empty units are left out.
/// </summary>
public sealed class ShardLayout
{
    private readonly Dictionary<(int Chunk, int Unit), int> byUnit = [];
    private readonly int[] flatEntries;

    /// <summary>One unit: its chunk, its index in the chunk's units (what the unit hooks report), kind, partition and index there.</summary>
    public sealed record Entry(int Chunk, int LocalUnit, UnitKind Kind, FlatShard Shard, int Index);

    private ShardLayout(IReadOnlyList<Entry> entries, FlatShard flat, FlatShard? shared)
    {
        Entries = entries;
        Flat = flat;
        Shared = shared;
        for (int e = 0; e < entries.Count; e++) byUnit[(entries[e].Chunk, entries[e].LocalUnit)] = e;
        flatEntries = [.. Enumerable.Range(0, entries.Count).Where(e => entries[e].Shard == flat)];
    }

    /// <summary>The partitions of <paramref name="model"/>'s parameters (still fp32) for this rank's place among the replicas.</summary>
    public static ShardLayout Of(RankModel model, ProcessGrid grid)
    {
        var values = model.Parameters();
        var counts = model.CountsInNorm(grid.TensorRank);
        var units = model.Units(sharding: true);
        var local = units.Select((u, i) => i - units.TakeWhile(v => v.Chunk != u.Chunk).Count()).ToList();
        var kept = Enumerable.Range(0, units.Count).Where(i => units[i].Unit.Parameters.Count > 0).ToList();
        var flatUnits = kept.Where(i => units[i].Unit.Kind != UnitKind.Shared).ToList();
        var sharedUnit = kept.Where(i => units[i].Unit.Kind == UnitKind.Shared).ToList();
        var flat = new FlatShard([.. flatUnits.Select(i => units[i].Unit.Parameters)], values, counts, grid.Replicas, grid.ReplicaRank);
        var shared = sharedUnit.Count == 0 ? null : new FlatShard([.. sharedUnit.Select(i => units[i].Unit.Parameters)], values, counts, grid.Replicas, grid.ReplicaRank);
        var entries = kept.Select(i => units[i].Unit.Kind == UnitKind.Shared
            ? new Entry(units[i].Chunk, local[i], UnitKind.Shared, shared!, sharedUnit.IndexOf(i))
            : new Entry(units[i].Chunk, local[i], units[i].Unit.Kind, flat, flatUnits.IndexOf(i))).ToList();
        return new ShardLayout(entries, flat, shared);
    }

    public IReadOnlyList<Entry> Entries { get; }
    public FlatShard Flat { get; }
    public FlatShard? Shared { get; }

    public IEnumerable<FlatShard> Shards => Shared is null ? [Flat] : [Flat, Shared];

    /// <summary>The optimizer's parameters: each partition's master block.</summary>
    public IReadOnlyList<Parameter> Masters => [.. Shards.Select(s => s.Master)];

    /// <summary>The entry of a chunk's unit (as the unit hooks number them); null when that unit holds no parameters.</summary>
    public int? EntryAt(int chunk, int unit) => byUnit.TryGetValue((chunk, unit), out int e) ? e : null;

    /// <summary>The entry of unit <paramref name="index"/> of the main partition.</summary>
    public int FlatEntry(int index) => flatEntries[index];
}
