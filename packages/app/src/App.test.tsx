import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('greets visitors with the guest sign-in page', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test portal' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    expect(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('Test portal')).toBeInTheDocument();
  });
});
