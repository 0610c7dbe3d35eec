import {
  judgeAddress,
  judgeResolved,
  judgeWebhookUrl,
  parseAllowedNetworks,
  type WebhookAddressSettings,
} from './webhook-address.rule.js';

const production: WebhookAddressSettings = {
  allowHttp: false,
  allowed: parseAllowedNetworks(''),
};
const refusal = (url: string, settings = production) => judgeWebhookUrl(url, settings).refused;

describe('judgeWebhookUrl with the production settings', () => {
  it('accepts an https URL with a host name, leaving the name to be resolved', () => {
    expect(judgeWebhookUrl('https://hooks.example.jp/kanribo', production)).toEqual({
      refused: null,
      host: 'hooks.example.jp',
      address: null,
    });
  });

  it('accepts an https URL with a public address', () => {
    expect(judgeWebhookUrl('https://93.184.215.14:8443/x', production)).toEqual({
      refused: null,
      host: '93.184.215.14',
      address: '93.184.215.14',
    });
    expect(refusal('https://[2606:4700:4700::1111]/x')).toBeNull();
  });

  it.each([
    ['http://hooks.example.jp/x', 'plain_http'],
    ['https://user:pass@hooks.example.jp/x', 'credentials'],
    ['https://user@hooks.example.jp/x', 'credentials'],
    ['https://:pass@hooks.example.jp/x', 'credentials'],
    ['ftp://hooks.example.jp/x', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['not a url', 'invalid_url'],
  ])('refuses %s: %s', (url, reason) => {
    expect(refusal(url)).toBe(reason);
  });

  it.each([
    // The list, and every numeric spelling of 127.0.0.1.
    ['https://127.0.0.1:6391/', 'loopback_address'],
    ['https://127.255.255.254/', 'loopback_address'],
    ['https://[::1]/', 'loopback_address'],
    ['https://0x7f000001/', 'loopback_address'],
    ['https://2130706433/', 'loopback_address'],
    ['https://127.1/', 'loopback_address'],
    ['https://017700000001/', 'loopback_address'],
    ['https://0x7f.0.0.1/', 'loopback_address'],
    ['https://[::ffff:127.0.0.1]/', 'loopback_address'],
    ['https://[::ffff:7f00:1]/', 'loopback_address'],
    ['https://169.254.169.254/latest/meta-data/', 'metadata_address'],
    ['https://[::ffff:169.254.169.254]/', 'metadata_address'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'metadata_address'],
    ['https://METADATA.Google.Internal./', 'metadata_address'],
    ['https://168.63.129.16/', 'metadata_address'],
    ['https://100.100.100.200/', 'metadata_address'],
    ['https://[fd00:ec2::254]/', 'metadata_address'],
    ['https://10.0.0.5/', 'private_address'],
    ['https://172.16.3.4/', 'private_address'],
    ['https://192.168.1.10/', 'private_address'],
    ['https://[fd12:3456::1]/', 'private_address'],
    ['https://169.254.10.1/', 'link_local_address'],
    ['https://[fe80::1]/', 'link_local_address'],
    ['https://100.64.0.1/', 'shared_address'],
    ['https://224.0.0.1/', 'multicast_address'],
    ['https://[ff02::1]/', 'multicast_address'],
    ['https://0.0.0.0/', 'unspecified_address'],
    ['https://0/', 'unspecified_address'],
    ['https://[::]/', 'unspecified_address'],
    ['https://255.255.255.255/', 'reserved_address'],
    ['https://192.0.2.1/', 'reserved_address'],
    ['https://[64:ff9b::7f00:1]/', 'reserved_address'],
    ['https://[2002:7f00:1::]/', 'reserved_address'],
    ['https://[::7f00:1]/', 'reserved_address'],
    ['https://[::a00:1]/', 'reserved_address'],
  ])('refuses %s: %s', (url, reason) => {
    expect(refusal(url)).toBe(reason);
  });
});

describe('WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOWED_NETWORKS', () => {
  const lgwan: WebhookAddressSettings = {
    allowHttp: true,
    allowed: parseAllowedNetworks(
      ' 127.0.0.1/32, 10.20.0.0/16 ,fd00:1234::/32, 192.168.7.7, hooks.lgwan.example., 169.254.0.0/16',
    ),
  };

  it('accepts plain http only when allowed, and never credentials', () => {
    expect(refusal('http://93.184.215.14/x', { ...production, allowHttp: true })).toBeNull();
    expect(refusal('http://u:p@93.184.215.14/x', lgwan)).toBe('credentials');
  });

  it('accepts the listed networks and addresses, in any spelling, and nothing beside them', () => {
    expect(refusal('http://127.0.0.1:6391/', lgwan)).toBeNull();
    expect(refusal('http://0x7f000001/', lgwan)).toBeNull();
    expect(refusal('http://[::ffff:127.0.0.1]/', lgwan)).toBeNull();
    expect(refusal('http://127.0.0.2/', lgwan)).toBe('loopback_address');
    expect(refusal('http://[::1]/', lgwan)).toBe('loopback_address');
    expect(refusal('http://10.20.255.1/', lgwan)).toBeNull();
    expect(refusal('http://10.21.0.1/', lgwan)).toBe('private_address');
    expect(refusal('http://[fd00:1234::9]/', lgwan)).toBeNull();
    expect(refusal('http://192.168.7.7/', lgwan)).toBeNull();
    expect(refusal('http://192.168.7.8/', lgwan)).toBe('private_address');
  });

  it('never accepts a metadata address, even inside an allowed network', () => {
    expect(refusal('http://169.254.10.1/', lgwan)).toBeNull();
    expect(refusal('http://169.254.169.254/', lgwan)).toBe('metadata_address');
  });

  it('accepts a listed host name whatever it resolves to, except a metadata address', () => {
    const allowed = lgwan.allowed;
    expect(judgeResolved('hooks.lgwan.example', ['10.99.0.1', '::1'], allowed)).toBeNull();
    expect(judgeResolved('HOOKS.lgwan.example.', ['10.99.0.1'], allowed)).toBeNull();
    expect(judgeResolved('hooks.lgwan.example', ['169.254.169.254'], allowed)).toBe(
      'metadata_address',
    );
    expect(judgeResolved('other.lgwan.example', ['10.99.0.1'], allowed)).toBe('private_address');
  });

  it.each(['10.0.0.0/99', 'not a host', '10.0.0', 'https://hooks.example.jp', '::1/129'])(
    'refuses the entry %j',
    (entry) => {
      expect(() => parseAllowedNetworks(entry)).toThrow(/not a CIDR, an address or a host name/);
    },
  );
});

describe('judgeResolved', () => {
  const none = production.allowed;

  it('accepts a name whose every address is public', () => {
    expect(judgeResolved('hooks.example.jp', ['93.184.215.14', '2606:4700::1'], none)).toBeNull();
  });

  it('refuses a name when any of its addresses is refused', () => {
    expect(judgeResolved('hooks.example.jp', ['93.184.215.14', '10.0.0.1'], none)).toBe(
      'private_address',
    );
    expect(judgeResolved('localhost', ['127.0.0.1', '::1'], none)).toBe('loopback_address');
    expect(judgeResolved('rebind.example', ['::ffff:127.0.0.1'], none)).toBe('loopback_address');
  });

  it('refuses a name that resolves to nothing', () => {
    expect(judgeResolved('nowhere.example', [], none)).toBe('unresolved_host');
  });
});

describe('judgeAddress', () => {
  it('judges the forms a resolver may answer', () => {
    const none = production.allowed;
    expect(judgeAddress('93.184.215.14', none)).toBeNull();
    expect(judgeAddress('::ffff:10.0.0.1', none)).toBe('private_address');
    expect(judgeAddress('fe80::1%eth0', none)).toBe('link_local_address');
    expect(judgeAddress('[::1]', none)).toBe('loopback_address');
  });
});
