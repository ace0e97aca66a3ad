using System.Runtime.InteropServices;

namespace ScalePlanner.Mpi;

/// <summary>
/// The project's own binding to Open MPI's C library (libmpi.so.40, Debian's openmpi-bin 4.1): the library is loaded with
/// <see cref="NativeLibrary"/> and called through unmanaged function pointers. In Open MPI the handles MPI_COMM_WORLD,
/// MPI_FLOAT, MPI_SUM … are the addresses of exported objects (ompi_mpi_comm_world, ompi_mpi_float, ompi_mpi_op_sum …),
/// MPI_IN_PLACE is (void*)1 and MPI_STATUS_IGNORE is null (Open MPI's mpi.h).
/// </summary>
public sealed unsafe class OpenMpi : IDisposable
{
    public const string LibraryName = "libmpi.so.40";
    private static readonly void* InPlace = (void*)1;

    private readonly nint library;
    private readonly delegate* unmanaged<int*, byte***, int> init;
    private readonly delegate* unmanaged<int*, int> initialized;
    private readonly delegate* unmanaged<int> finalize;
    private readonly delegate* unmanaged<nint, int*, int> commRank, commSize;
    private readonly delegate* unmanaged<nint, int> barrier;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> allreduce;
    private readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> allgather;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> reduceScatterBlock;
    private readonly delegate* unmanaged<void*, int, nint, int, int, nint, int> send;
    private readonly delegate* unmanaged<void*, int, nint, int, int, nint, void*, int> recv;
    private readonly delegate* unmanaged<double> wtime;
    private readonly delegate* unmanaged<nint, int, int, nint*, int> commSplit;
    private readonly delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> isend;
    private readonly delegate* unmanaged<nint*, void*, int> wait;
    private readonly delegate* unmanaged<nint*, int*, void*, int> test;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> iallreduce;
    private readonly delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> irecv;
    private readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int> iallgather;
    private readonly delegate* unmanaged<void*, void*, int*, nint, nint, nint, nint*, int> ireduceScatter;
    private readonly delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, nint*, int> iallgatherv;
    private readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> alltoall;
    private readonly delegate* unmanaged<void*, int*, int*, nint, void*, int*, int*, nint, nint, int> alltoallv;
    private readonly delegate* unmanaged<nint, int, int> abort;
    private readonly delegate* unmanaged<delegate* unmanaged<void*, void*, int*, nint*, void>, int, nint*, int> opCreate;
    private readonly nint floatType, doubleType, longType, uint16Type, sum, max, bf16Sum;

    /// <summary>Loads Open MPI and calls MPI_Init (once per process).</summary>
    public OpenMpi()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out library))
            throw new MpiException($"Open MPI is not installed ({LibraryName} not found): run tools/install-prerequisites.sh or apt-get install openmpi-bin");
        init = (delegate* unmanaged<int*, byte***, int>)Export("MPI_Init");
        initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        commRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        commSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier");
        allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Export("MPI_Allreduce");
        allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)Export("MPI_Allgather");
        reduceScatterBlock = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Export("MPI_Reduce_scatter_block");
        send = (delegate* unmanaged<void*, int, nint, int, int, nint, int>)Export("MPI_Send");
        recv = (delegate* unmanaged<void*, int, nint, int, int, nint, void*, int>)Export("MPI_Recv");
        wtime = (delegate* unmanaged<double>)Export("MPI_Wtime");
        commSplit = (delegate* unmanaged<nint, int, int, nint*, int>)Export("MPI_Comm_split");
        isend = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Export("MPI_Isend");
        wait = (delegate* unmanaged<nint*, void*, int>)Export("MPI_Wait");
        test = (delegate* unmanaged<nint*, int*, void*, int>)Export("MPI_Test");
        iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Export("MPI_Iallreduce");
        irecv = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Export("MPI_Irecv");
        iallgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int>)Export("MPI_Iallgather");
        ireduceScatter = (delegate* unmanaged<void*, void*, int*, nint, nint, nint, nint*, int>)Export("MPI_Ireduce_scatter");
        iallgatherv = (delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, nint*, int>)Export("MPI_Iallgatherv");
        alltoall = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)Export("MPI_Alltoall");
        alltoallv = (delegate* unmanaged<void*, int*, int*, nint, void*, int*, int*, nint, nint, int>)Export("MPI_Alltoallv");
        abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        opCreate = (delegate* unmanaged<delegate* unmanaged<void*, void*, int*, nint*, void>, int, nint*, int>)Export("MPI_Op_create");
        World = Export("ompi_mpi_comm_world");
        floatType = Export("ompi_mpi_float");
        doubleType = Export("ompi_mpi_double");
        longType = Export("ompi_mpi_long_long_int");
        uint16Type = Export("ompi_mpi_uint16_t");
        sum = Export("ompi_mpi_op_sum");
        max = Export("ompi_mpi_op_max");

        int already;
        Check(initialized(&already), "MPI_Initialized");
        if (already == 0) Check(init(null, null), "MPI_Init");
        int rank, size;
        Check(commRank(World, &rank), "MPI_Comm_rank");
        Check(commSize(World, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        nint op;
        Check(opCreate(&Bfloat16.SumInto, 1, &op), "MPI_Op_create");
        bf16Sum = op;
    }

    /// <summary>MPI_COMM_WORLD.</summary>
    public nint World { get; }
    public int Rank { get; }
    public int Size { get; }

    /// <summary>True when this process was started by mpirun (Open MPI sets these variables in every rank).</summary>
    public static bool UnderLauncher => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    public double Time() => wtime();

    public void Barrier(nint comm) => Check(barrier(comm), "MPI_Barrier");

    /// <summary>In-place sum of <paramref name="data"/> over the communicator.</summary>
    public void AllReduceSum(Span<float> data, nint comm)
    {
        fixed (float* p = data) Check(allreduce(InPlace, p, data.Length, floatType, sum, comm), "MPI_Allreduce");
    }

    /// <summary>In-place sum of <paramref name="data"/> over the communicator, in double precision.</summary>
    public void AllReduceSum(Span<double> data, nint comm)
    {
        fixed (double* p = data) Check(allreduce(InPlace, p, data.Length, doubleType, sum, comm), "MPI_Allreduce");
    }

    /// <summary>
    /// In-place sum of bfloat16 values (raw 16-bit patterns) over the communicator. MPI has no bfloat16 type, so they travel as
    /// MPI_UINT16_T and a user-defined operation adds them (<see cref="Bfloat16.SumInto"/>), rounding each partial sum to bfloat16
    /// as a bfloat16 all-reduce on an accelerator does.
    /// </summary>
    public void AllReduceSumBfloat16(Span<ushort> data, nint comm)
    {
        fixed (ushort* p = data) Check(allreduce(InPlace, p, data.Length, uint16Type, bf16Sum, comm), "MPI_Allreduce");
    }

    /// <summary>In-place elementwise maximum of <paramref name="data"/> over the communicator.</summary>
    public void AllReduceMax(Span<float> data, nint comm)
    {
        fixed (float* p = data) Check(allreduce(InPlace, p, data.Length, floatType, max, comm), "MPI_Allreduce");
    }

    public double AllReduceMax(double value, nint comm)
    {
        double result;
        Check(allreduce(&value, &result, 1, doubleType, max, comm), "MPI_Allreduce");
        return result;
    }

    /// <summary>Every rank contributes <paramref name="send"/>; <paramref name="receive"/> (size × send length) gets all contributions in rank order.</summary>
    public void AllGather<T>(ReadOnlySpan<T> send, Span<T> receive, nint comm) where T : unmanaged
    {
        nint type = Datatype<T>();
        fixed (T* s = send)
        fixed (T* r = receive)
            Check(allgather(s, send.Length, type, r, send.Length, type, comm), "MPI_Allgather");
    }

    /// <summary>
    /// Starts <see cref="AllGather{T}"/> and returns at once (MPI_Iallgather); both spans must stay alive and untouched until
    /// <see cref="Wait"/>, so they must be memory outside the managed heap (tensor storage).
    /// </summary>
    public nint StartAllGather<T>(ReadOnlySpan<T> send, Span<T> receive, nint comm) where T : unmanaged
    {
        nint type = Datatype<T>(), request;
        fixed (T* s = send)
        fixed (T* r = receive)
            Check(iallgather(s, send.Length, type, r, send.Length, type, comm, &request), "MPI_Iallgather");
        return request;
    }

    /// <summary>Every rank contributes one 64-bit value; returns all of them in rank order.</summary>
    public long[] AllGather(long value, int size, nint comm)
    {
        var all = new long[size];
        fixed (long* r = all) Check(allgather(&value, 1, longType, r, 1, longType, comm), "MPI_Allgather");
        return all;
    }

    /// <summary>
    /// Starts summing <paramref name="send"/> over ranks and leaving the r-th stretch of <paramref name="counts"/>[r] elements of the
    /// sum on rank r (MPI_Ireduce_scatter). <paramref name="counts"/> must stay pinned and unchanged until <see cref="Wait"/>
    /// (MPI reads it while the operation runs): allocate it with GC.AllocateArray(pinned: true).
    /// </summary>
    public nint StartReduceScatterSum(ReadOnlySpan<float> send, Span<float> receive, int[] counts, nint comm)
    {
        fixed (float* s = send)
        fixed (float* r = receive)
            return StartReduceScatter(s, r, counts, floatType, sum, comm);
    }

    /// <summary>As <see cref="StartReduceScatterSum(ReadOnlySpan{float}, Span{float}, int[], nint)"/> in bfloat16 (raw 16-bit patterns, summed by <see cref="Bfloat16.SumInto"/>).</summary>
    public nint StartReduceScatterSumBfloat16(ReadOnlySpan<ushort> send, Span<ushort> receive, int[] counts, nint comm)
    {
        fixed (ushort* s = send)
        fixed (ushort* r = receive)
            return StartReduceScatter(s, r, counts, uint16Type, bf16Sum, comm);
    }

    private nint StartReduceScatter(void* send, void* receive, int[] counts, nint type, nint op, nint comm)
    {
        nint request;
        fixed (int* c = counts) Check(ireduceScatter(send, receive, c, type, op, comm, &request), "MPI_Ireduce_scatter");
        return request;
    }

    /// <summary>
    /// Starts gathering every rank's <paramref name="send"/> (rank r's has <paramref name="counts"/>[r] elements) into
    /// <paramref name="receive"/> at <paramref name="displacements"/>[r] (MPI_Iallgatherv); both arrays pinned and unchanged until <see cref="Wait"/>.
    /// </summary>
    public nint StartAllGather<T>(ReadOnlySpan<T> send, Span<T> receive, int[] counts, int[] displacements, nint comm) where T : unmanaged
    {
        nint type = Datatype<T>(), request;
        fixed (T* s = send)
        fixed (T* r = receive)
        fixed (int* c = counts)
        fixed (int* d = displacements)
            Check(iallgatherv(s, send.Length, type, r, c, d, type, comm, &request), "MPI_Iallgatherv");
        return request;
    }

    /// <summary>Sums <paramref name="send"/> (size × block) over ranks and leaves block r of the sum on rank r.</summary>
    public void ReduceScatterSum(ReadOnlySpan<float> send, Span<float> receive, nint comm)
    {
        fixed (float* s = send)
        fixed (float* r = receive)
            Check(reduceScatterBlock(s, r, receive.Length, floatType, sum, comm), "MPI_Reduce_scatter_block");
    }

    public void Send<T>(ReadOnlySpan<T> data, int destination, int tag, nint comm) where T : unmanaged
    {
        fixed (T* p = data) Check(send(p, data.Length, Datatype<T>(), destination, tag, comm), "MPI_Send");
    }

    public void Receive<T>(Span<T> data, int source, int tag, nint comm) where T : unmanaged
    {
        fixed (T* p = data) Check(recv(p, data.Length, Datatype<T>(), source, tag, comm, null), "MPI_Recv");
    }

    /// <summary>
    /// Starts sending <paramref name="data"/> and returns at once (MPI_Isend); the memory must stay alive and unchanged until
    /// <see cref="Wait"/> on the returned request. Used with memory outside the managed heap (tensor storage), which does not move.
    /// </summary>
    public nint StartSend<T>(Span<T> data, int destination, int tag, nint comm) where T : unmanaged
    {
        nint request;
        fixed (T* p = data) Check(isend(p, data.Length, Datatype<T>(), destination, tag, comm, &request), "MPI_Isend");
        return request;
    }

    /// <summary>Starts receiving into <paramref name="data"/> and returns at once (MPI_Irecv); read it only after <see cref="Wait"/>.</summary>
    public nint StartReceive<T>(Span<T> data, int source, int tag, nint comm) where T : unmanaged
    {
        nint request;
        fixed (T* p = data) Check(irecv(p, data.Length, Datatype<T>(), source, tag, comm, &request), "MPI_Irecv");
        return request;
    }

    public void Wait(nint request) => Check(wait(&request, null), "MPI_Wait");

    /// <summary>
    /// Starts an in-place sum over the communicator and returns at once (MPI_Iallreduce); the memory must stay alive and untouched
    /// until <see cref="Wait"/>. Open MPI advances it inside later MPI calls (<see cref="Test"/> and <see cref="Wait"/>).
    /// </summary>
    public nint StartAllReduceSum(Span<float> data, nint comm)
    {
        nint request;
        fixed (float* p = data) Check(iallreduce(InPlace, p, data.Length, floatType, sum, comm, &request), "MPI_Iallreduce");
        return request;
    }

    /// <summary>Lets Open MPI advance the request (MPI_Test); true once it has completed (the request is then MPI_REQUEST_NULL, and waiting on it returns at once).</summary>
    public bool Test(ref nint request)
    {
        int done;
        fixed (nint* r = &request) Check(test(r, &done, null), "MPI_Test");
        return done != 0;
    }

    /// <summary>
    /// Personalised exchange of equal blocks (MPI_Alltoall): block r of <paramref name="send"/> (its length / size) goes to rank r,
    /// and block s of <paramref name="receive"/> comes from rank s.
    /// </summary>
    public void AllToAll<T>(ReadOnlySpan<T> send, Span<T> receive, int size, nint comm) where T : unmanaged
    {
        if (send.Length % size != 0 || receive.Length != send.Length)
            throw new ArgumentException($"MPI_Alltoall needs equal blocks: {send.Length} elements to send and {receive.Length} to receive over {size} ranks");
        nint type = Datatype<T>();
        fixed (T* s = send)
        fixed (T* r = receive)
            Check(alltoall(s, send.Length / size, type, r, send.Length / size, type, comm), "MPI_Alltoall");
    }

    /// <summary>
    /// Personalised exchange of blocks of any length (MPI_Alltoallv): the next <paramref name="sendCounts"/>[r] elements of
    /// <paramref name="send"/> go to rank r, and <paramref name="receiveCounts"/>[s] elements from rank s land in
    /// <paramref name="receive"/>, blocks end to end in rank order. The counts must match pairwise over the ranks (exchange them
    /// first with <see cref="AllToAll{T}"/>).
    /// </summary>
    public void AllToAll<T>(ReadOnlySpan<T> send, int[] sendCounts, Span<T> receive, int[] receiveCounts, nint comm) where T : unmanaged
    {
        int[] sendOffsets = Offsets(sendCounts), receiveOffsets = Offsets(receiveCounts);
        if (sendOffsets[^1] + sendCounts[^1] != send.Length || receiveOffsets[^1] + receiveCounts[^1] != receive.Length)
            throw new ArgumentException($"MPI_Alltoallv counts ({sendCounts.Sum()} to send, {receiveCounts.Sum()} to receive) do not match the buffers ({send.Length}, {receive.Length})");
        nint type = Datatype<T>();
        fixed (T* s = send)
        fixed (T* r = receive)
        fixed (int* sc = sendCounts)
        fixed (int* sd = sendOffsets)
        fixed (int* rc = receiveCounts)
        fixed (int* rd = receiveOffsets)
            Check(alltoallv(s, sc, sd, type, r, rc, rd, type, comm), "MPI_Alltoallv");
    }

    /// <summary>Where each block starts when blocks of <paramref name="counts"/> lie end to end.</summary>
    private static int[] Offsets(int[] counts)
    {
        var offsets = new int[counts.Length];
        for (int i = 1; i < counts.Length; i++) offsets[i] = offsets[i - 1] + counts[i - 1];
        return offsets;
    }

    /// <summary>Ranks with the same <paramref name="color"/> form a new communicator, ordered by <paramref name="key"/> (MPI_Comm_split).</summary>
    public nint Split(nint comm, int color, int key)
    {
        nint result;
        Check(commSplit(comm, color, key, &result), "MPI_Comm_split");
        return result;
    }

    /// <summary>Stops every rank of the job (MPI_Abort): a rank that fails must not leave the others waiting in a collective.</summary>
    public void Abort(int exitCode) => abort(World, exitCode);

    public void Dispose()
    {
        finalize();
        GC.SuppressFinalize(this);
    }

    /// <summary>The MPI datatype of <typeparamref name="T"/>: 16-bit patterns (bfloat16, fp16) travel as MPI_UINT16_T.</summary>
    private nint Datatype<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? floatType
        : typeof(T) == typeof(double) ? doubleType
        : typeof(T) == typeof(ushort) ? uint16Type
        : typeof(T) == typeof(long) ? longType
        : throw new ArgumentException($"no MPI datatype for {typeof(T).Name}");

    private nint Export(string name) =>
        NativeLibrary.TryGetExport(library, name, out var address) ? address : throw new MpiException($"{LibraryName} has no symbol {name}: not Open MPI 4.x?");

    private void Check(int code, string call)
    {
        if (code != 0) throw new MpiException($"{call} failed with MPI error {code} on rank {Rank}");
    }
}
