namespace ScalePlanner.Simulator.Timeline;

/// <summary>
/// The pending events of a simulation, earliest first; events at the same time come out in the order they went in, so a run
/// never depends on heap internals. A binary heap over a struct array: no allocation per event. An event is one integer:
/// a pass ending (its index, ≥ 0) or a collective every member has asked for (−1 − its index).
/// </summary>
internal sealed class EventQueue(int capacity)
{
    private Entry[] heap = new Entry[Math.Max(capacity, 16)];
    private long sequence;

    public int Count { get; private set; }

    public static int PassEnd(int pass) => pass;

    public static int CollectiveReady(int slot) => -1 - slot;

    public static bool IsPassEnd(int item) => item >= 0;

    public static int Collective(int item) => -1 - item;

    public void Push(double time, int item)
    {
        if (Count == heap.Length) Array.Resize(ref heap, heap.Length * 2);
        var entry = new Entry(time, sequence++, item);
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Before(entry, heap[parent])) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = entry;
    }

    public (double Time, int Item) Pop()
    {
        var top = heap[0];
        var last = heap[--Count];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= Count) break;
            if (child + 1 < Count && Before(heap[child + 1], heap[child])) child++;
            if (!Before(heap[child], last)) break;
            heap[i] = heap[child];
            i = child;
        }
        if (Count > 0) heap[i] = last;
        return (top.Time, top.Item);
    }

    private static bool Before(in Entry a, in Entry b) => a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);

    private readonly record struct Entry(double Time, long Sequence, int Item);
}
