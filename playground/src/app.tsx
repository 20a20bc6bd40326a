import { getDefaultTelemetry } from '@isotel/core';
import { IsotelDevtools } from '@isotel/devtools';
import {
  type ErrorFallbackProps,
  TelemetryErrorBoundary,
  TelemetryProfiler,
  TelemetryProvider,
  useEmit,
} from '@isotel/react';
import { useCallback, useReducer } from 'react';
import { Guide } from './guide/guide.js';
import { OfflineSwitch } from './network/offline-switch.js';
import { Cart } from './shop/cart.js';
import { cartReducer } from './shop/cart-state.js';
import { Checkout } from './shop/checkout.js';
import { ProductList } from './shop/product-list.js';
import type { Product } from './shop/products.js';
import { DevtoolsSourceSelect, useDevtoolsSource } from './telemetry/devtools-source.js';
import { RecentEvents } from './telemetry/recent-events.js';
import { collectorUrl, exporter, pageMetrics } from './telemetry/setup.js';
import { ShopMetrics } from './telemetry/shop-metrics.js';

const devtoolsExporters =
  exporter === undefined
    ? []
    : [{ name: 'dev collector', stats: exporter.stats.bind(exporter), flush: exporter.flush.bind(exporter) }];

function ProductListFallback({ error, reset }: ErrorFallbackProps) {
  return (
    <section aria-labelledby="products-error-title" className="card">
      <h2 id="products-error-title">Products could not be shown</h2>
      <p role="alert">{error instanceof Error ? error.message : String(error)}</p>
      <button type="button" onClick={reset}>
        Reload the list
      </button>
    </section>
  );
}

function Shop() {
  const emit = useEmit();
  const [lines, dispatch] = useReducer(cartReducer, []);
  const add = useCallback(
    (product: Product) => {
      dispatch({ type: 'add', product });
      emit('shop.cart.add', { count: 1, price: product.price }, { sku: product.sku, category: product.category });
    },
    [emit],
  );
  const remove = useCallback(
    (sku: string) => {
      dispatch({ type: 'remove', sku });
      emit('shop.cart.remove', { count: 1 }, { sku });
    },
    [emit],
  );
  const clear = useCallback(() => dispatch({ type: 'clear' }), []);

  return (
    <div className="shop">
      <TelemetryErrorBoundary name="product-list" fallback={ProductListFallback}>
        <TelemetryProfiler id="product-list">
          <ProductList onAdd={add} />
        </TelemetryProfiler>
      </TelemetryErrorBoundary>
      <div className="side">
        <Cart lines={lines} onRemove={remove} />
        <Checkout lines={lines} onPlaced={clear} />
      </div>
    </div>
  );
}

/** The playground: a small coffee shop instrumented with isotel end to end. */
export function App() {
  const devtoolsSource = useDevtoolsSource();
  return (
    <TelemetryProvider telemetry={getDefaultTelemetry()}>
      <header>
        <h1>isotel playground: a coffee shop</h1>
        <OfflineSwitch />
        <DevtoolsSourceSelect />
      </header>
      <main>
        <Shop />
        <ShopMetrics />
        <RecentEvents />
        <Guide />
      </main>
      {/* Present in development builds only (the root entry is a no-op in production); `npm start` opens it. */}
      <IsotelDevtools
        initialIsOpen={import.meta.env.VITE_ISOTEL_DEVTOOLS_OPEN === 'true'}
        {...(devtoolsSource === 'collector' && collectorUrl !== undefined ? { collectorUrl } : {})}
        exporters={devtoolsExporters}
        metrics={pageMetrics}
      />
    </TelemetryProvider>
  );
}
