using System.Runtime.InteropServices;
using ScalePlanner.Mpi;

namespace ScalePlanner.Tests.Mpi;

/// <summary>What `scaleplan` does at start: a freed block up to 32 MiB stays with the process instead of going back to the kernel.</summary>
public class KeptMemoryTests
{
    /// <summary>glibc's mallinfo2(3): arena = bytes of the heaps (sbrk and arena heaps), hblkhd = bytes in blocks mmap'd on their own.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallocInfo
    {
        public nuint Arena, OrdinaryBlocks, FastBlocks, MmappedBlocks, MmappedBytes, MaxTotal, FastBytes, Used, Free, KeepCost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo Mallinfo2();

    [Fact]
    public void A_Freed_16_MiB_Block_Comes_From_The_Heap_And_Stays_There()
    {
        Assert.True(KeptMemory.Keep());   // Linux with glibc, no MALLOC_* or GLIBC_TUNABLES set
        const int Size = 16 << 20;         // the size of the tiny GPT's fp32 logits (1,024 tokens × 4,096 × 4 bytes)
        var before = Mallinfo2();
        nint block = Marshal.AllocHGlobal(Size);                                 // malloc(3) on Unix
        for (int i = 0; i < Size; i += 4096) Marshal.WriteByte(block, i, 1);     // touch every page, as a tensor's first write does
        var holding = Mallinfo2();
        Marshal.FreeHGlobal(block);
        var after = Mallinfo2();
        Assert.True(holding.MmappedBytes - before.MmappedBytes < Size, $"the block was mmap'd on its own: {holding.MmappedBytes - before.MmappedBytes} bytes");
        Assert.True(after.Arena >= holding.Arena, $"the heap shrank from {holding.Arena} to {after.Arena} bytes when the block was freed");
        Assert.True(after.Free >= Size, $"only {after.Free} free bytes are kept");
    }
}
