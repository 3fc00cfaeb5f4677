/** Messages made in English outside the UI (notices, validation, stop reasons), shown in the UI's language. */
import { useTranslation } from 'react-i18next';
import { translateMessage, type Language } from '../i18n';

export function useMessage(): (text: string) => string {
  const { i18n } = useTranslation();
  const lang: Language = i18n.language === 'zh' ? 'zh' : 'en';
  return (text) => translateMessage(text, lang);
}
