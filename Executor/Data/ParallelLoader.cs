using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Data;

/// <summary>
/// The parallel input pipeline: <c>workers</c> tasks build micro-batches of <c>rows</c> samples ahead of the trainer into a
/// bounded channel of depth <c>prefetch</c>, in the same order as the synchronous source: batch k is samples
/// [position + k·rows, position + (k + 1)·rows), claimed by whichever worker is free and published only after batch k − 1, so
/// the stream does not depend on the worker count. Memory stays bounded: at most <c>prefetch</c> batches wait in the channel
/// and each worker holds at most one more. The trainer's data wait is the time <see cref="Next"/> waits on the channel.
/// </summary>
public sealed class ParallelLoader : IBatchSource, IDisposable
{
    private readonly BatchAssembler assembler;
    private readonly int rows;
    private readonly long start;
    private readonly Channel<HostBatch> channel;
    private readonly CancellationTokenSource stop = new();
    private readonly object turn = new();
    private readonly Task[] tasks;
    private long claimed = -1;
    private long published;
    private long built;

    public ParallelLoader(BatchAssembler assembler, int rows, int workers, int prefetch, long position = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1);
        this.assembler = assembler;
        this.rows = rows;
        start = position;
        Position = position;
        Prefetch = prefetch;
        channel = Channel.CreateBounded<HostBatch>(new BoundedChannelOptions(prefetch) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        tasks = [.. Enumerable.Range(0, workers).Select(_ => Task.Factory.StartNew(Work, TaskCreationOptions.LongRunning))];
    }

    public long Position { get; private set; }

    public int Prefetch { get; }

    /// <summary>Batches waiting in the channel now (never more than the prefetch depth).</summary>
    public int Buffered => channel.Reader.Count;

    /// <summary>Batches the workers have built so far, handed out or not.</summary>
    public long Built => Interlocked.Read(ref built);

    public (Tensor Inputs, Tensor Targets) Next(int count)
    {
        if (count != rows) throw new ArgumentException($"this loader builds micro-batches of {rows} rows, asked for {count}", nameof(count));
        HostBatch batch;
        try
        {
            batch = channel.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException closed) when (closed.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(closed.InnerException);
            throw;
        }
        Position += count;
        return batch.ToTensors();
    }

    private void Work()
    {
        try
        {
            while (true)
            {
                long k = Interlocked.Increment(ref claimed);
                HostBatch batch;
                try
                {
                    batch = assembler.Build(start + k * rows, rows);
                }
                catch (Exception ex)
                {
                    WaitForTurn(k);                    // the batches before this one reach the trainer first,
                    channel.Writer.TryComplete(ex);    // then it sees the error at the read of batch k
                    return;
                }
                Interlocked.Increment(ref built);
                WaitForTurn(k);
                channel.Writer.WriteAsync(batch, stop.Token).AsTask().GetAwaiter().GetResult();
                lock (turn)
                {
                    published++;
                    Monitor.PulseAll(turn);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: stop quietly.
        }
    }

    private void WaitForTurn(long k)
    {
        lock (turn)
        {
            while (published != k)
            {
                stop.Token.ThrowIfCancellationRequested();
                Monitor.Wait(turn);
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        lock (turn) Monitor.PulseAll(turn);
        Task.WaitAll(tasks);
        stop.Dispose();
    }
}
