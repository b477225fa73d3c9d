package io.jenkins.plugins.rbdcloud.engine.util;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's threads: daemon (a forgotten one never keeps a Jenkins controller or the CLI
 * alive) and named after their job (so a thread dump says what each one does). The executors
 * here have a fixed number of threads and a bounded queue; whoever creates one shuts it down.
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** Threads named {@code name-1}, {@code name-2}, … */
    public static ThreadFactory numbered(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(r, name + "-" + n.incrementAndGet());
    }

    /** Threads all named {@code name}: for executors of one thread. */
    public static ThreadFactory named(String name) {
        return r -> daemon(r, name);
    }

    /** Starts {@code run} on a daemon thread named {@code name}. */
    public static Thread start(String name, Runnable run) {
        Thread t = daemon(run, name);
        t.start();
        return t;
    }

    /**
     * One thread named {@code name} working through at most {@code queueLimit} waiting tasks;
     * a task beyond that is refused with a {@link RejectedExecutionException} saying so.
     */
    public static ExecutorService single(String name, int queueLimit) {
        return pool(name, named(name), 1, queueLimit);
    }

    /**
     * {@code threads} threads named {@code name-N}, which end after a minute without work, and
     * at most {@code queueLimit} waiting tasks; a task beyond that is refused.
     */
    public static ExecutorService fixed(String name, int threads, int queueLimit) {
        ThreadPoolExecutor pool = pool(name, numbered(name), threads, queueLimit);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** One timer thread named {@code name}; a cancelled task leaves its queue at once. */
    public static ScheduledExecutorService timer(String name) {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, named(name));
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    private static ThreadPoolExecutor pool(String name, ThreadFactory threads, int size, int queueLimit) {
        return new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queueLimit), threads,
                (task, executor) -> {
                    throw new RejectedExecutionException(executor.isShutdown() ? name + " is shut down"
                            : name + " has " + queueLimit + " tasks waiting already; refusing more");
                });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
