using System.Diagnostics;
using ScalePlanner.Executor.Data;

namespace ScalePlanner.Tests.Executor.Data;

public class ParallelLoaderTests
{
    private const int Rows = 4;

    private static BatchAssembler Assembler(ISampleRows rows) => new(rows, new TokenMasking(0.1, seed: 3));

    private static long[] Tokens(TorchSharp.torch.Tensor tensor) => tensor.data<long>().ToArray();

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the loader's workers did not fill the channel in 30 s");
            Thread.Sleep(5);
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(3, 12)]   // resumed at sample 12, as a checkpoint would
    public void Should_Hand_Out_The_Same_Batches_As_The_Synchronous_Source_Whatever_The_Workers(int workers, long position)
    {
        var assembler = Assembler(TestRows.Markov());
        using var loader = new ParallelLoader(assembler, Rows, workers, prefetch: 2, position);
        var synchronous = new RowBatches(assembler, position);
        for (int k = 0; k < 10; k++)
        {
            var (inputs, targets) = loader.Next(Rows);
            var (expectedInputs, expectedTargets) = synchronous.Next(Rows);
            Assert.Equal(Tokens(expectedInputs), Tokens(inputs));
            Assert.Equal(Tokens(expectedTargets), Tokens(targets));
        }
        Assert.Equal(position + 10 * Rows, loader.Position);
    }

    [Fact]
    public void Should_Buffer_No_More_Than_The_Prefetch_Depth()
    {
        const int workers = 3, prefetch = 2;
        using var loader = new ParallelLoader(Assembler(TestRows.Markov()), Rows, workers, prefetch);
        WaitUntil(() => loader.Buffered == prefetch);
        Thread.Sleep(300);   // time for an unbounded loader to run far ahead; the bound must hold however long we wait
        Assert.Equal(prefetch, loader.Buffered);
        Assert.InRange(loader.Built, prefetch, prefetch + workers);   // each worker holds at most one batch beyond the channel
        loader.Next(Rows);
        WaitUntil(() => loader.Built > prefetch && loader.Buffered == prefetch);
        Assert.InRange(loader.Built, prefetch + 1, 1 + prefetch + workers);
    }

    [Fact]
    public void Should_Cut_The_Data_Wait_Of_A_Slow_Source_When_Workers_Load_Ahead()
    {
        // Each batch takes 4 × 10 ms to build and the "training" between reads 250 ms: the synchronous source waits at least
        // 40 ms per read (a sleep never returns early), while two workers 3 batches ahead have the next batch ready. The bound,
        // half the synchronous wait, leaves 120 ms over 6 reads for a loaded machine to be late in waking a worker.
        var slow = Assembler(new TestRows.Slow(TestRows.Markov(), TimeSpan.FromMilliseconds(10)));
        const int reads = 6;
        double synchronousWait = MeasureWait(new RowBatches(slow), reads);
        using var loader = new ParallelLoader(slow, Rows, workers: 2, prefetch: 3);
        WaitUntil(() => loader.Buffered == 3);
        double parallelWait = MeasureWait(loader, reads);
        Assert.True(synchronousWait >= reads * 0.040, $"synchronous wait {synchronousWait:F3} s");
        Assert.True(parallelWait < synchronousWait / 2, $"with workers the data wait should fall: {parallelWait:F3} s against {synchronousWait:F3} s synchronous");
    }

    private static double MeasureWait(IBatchSource source, int reads)
    {
        double waited = 0;
        for (int k = 0; k < reads; k++)
        {
            Thread.Sleep(250);   // the training step the loader overlaps with
            long start = Stopwatch.GetTimestamp();
            source.Next(Rows);
            waited += Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return waited;
    }

    [Fact]
    public void Should_Raise_A_Worker_Error_At_The_Read_Of_Its_Batch()
    {
        using var loader = new ParallelLoader(Assembler(new TestRows.FailingAt(TestRows.Markov(), badSample: 9)), Rows, workers: 2, prefetch: 2);
        loader.Next(Rows);
        loader.Next(Rows);
        var error = Assert.Throws<InvalidDataException>(() => loader.Next(Rows));   // batch 2 holds samples 8–11
        Assert.Equal("sample 9 is unreadable", error.Message);
    }

    [Fact]
    public async Task Should_Stop_Its_Workers_When_Disposed_Even_With_A_Full_Channel()
    {
        var loader = new ParallelLoader(Assembler(TestRows.Markov()), Rows, workers: 3, prefetch: 1);
        WaitUntil(() => loader.Buffered == 1);
        var disposed = Task.Run(loader.Dispose);
        Assert.Same(disposed, await Task.WhenAny(disposed, Task.Delay(TimeSpan.FromSeconds(30))));   // workers blocked on the full channel are cancelled
        long built = loader.Built;
        await Task.Delay(100);
        Assert.Equal(built, loader.Built);
    }

    [Fact]
    public void Should_Refuse_A_Batch_Size_Other_Than_The_One_It_Prefetches()
    {
        using var loader = new ParallelLoader(Assembler(TestRows.Markov()), Rows, workers: 1, prefetch: 1);
        var error = Assert.Throws<ArgumentException>(() => loader.Next(Rows + 1));
        Assert.Contains($"micro-batches of {Rows} rows", error.Message);
    }
}
